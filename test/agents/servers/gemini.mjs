// @ts-check
// The Gemini API as Gemini CLI speaks it: POST /v1beta/models/<model>:streamGenerateContent?alt=sse
// (and :generateContent, :countTokens for its side requests). The request that offers
// `run_shell_command` gets one call of it with the case's command; once a `functionResponse` is in
// the conversation it gets a final text.
import { serve, sse, json, textOf } from './http.mjs';

/** @param {{ command: string, onToolResult: (text: string) => void }} script */
export function startGeminiServer(script) {
  return serve((seen, res) => {
    if (seen.method !== 'POST') return json(res, { error: { code: 404, message: 'not here', status: 'NOT_FOUND' } }, 404);
    if (seen.path.includes(':countTokens')) return json(res, { totalTokens: 100 });
    const body = seen.body ?? {};
    const contents = Array.isArray(body.contents) ? body.contents : [];
    const lastParts = contents[contents.length - 1]?.parts ?? [];
    const responses = lastParts.filter((/** @type {any} */ p) => p?.functionResponse);
    // The main conversation is the streamed one. Headless in its default mode Gemini CLI does not
    // even declare `run_shell_command`; it is called anyway, as a model may, to see what the CLI does.
    const main = seen.path.includes(':streamGenerateContent');
    /** @type {any[]} */
    let parts;
    if (responses.length > 0) {
      script.onToolResult(textOf(responses.map((/** @type {any} */ p) => p.functionResponse.response)));
      parts = [{ text: 'Done.' }];
    } else if (main) {
      parts = [{ functionCall: { name: 'run_shell_command', args: { command: script.command, description: 'Run the requested command' } } }];
    } else {
      parts = [{ text: JSON.stringify(fillSchema(body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema)) }];
    }
    const chunk = {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: 'gemini-2.5-flash',
    };
    if (main) return sse(res, [[null, chunk]]);
    json(res, chunk);
  });
}

/**
 * Side requests (model routing, the next-speaker check) ask for JSON in a schema: answer the
 * simplest value that fits, and hand the turn back to the user.
 * @param {any} schema
 * @returns {unknown}
 */
function fillSchema(schema) {
  if (!schema || typeof schema !== 'object') return 'Done.';
  const type = String(schema.type ?? '').toLowerCase();
  if (Array.isArray(schema.enum)) return schema.enum.includes('user') ? 'user' : schema.enum[0];
  if (type === 'object') {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, k === 'next_speaker' ? 'user' : fillSchema(v)]));
  }
  if (type === 'array') return [];
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return false;
  return 'simple';
}
