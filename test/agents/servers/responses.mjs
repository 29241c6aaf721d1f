// @ts-check
// OpenAI Responses API as Codex speaks it: POST …/responses, streamed as SSE. The request that offers
// a shell tool (`exec_command`, or `shell` / `shell_command` in older tool sets) gets one call of it
// with the case's command; once a `function_call_output` is in the input it gets a final message.
import { serve, sse, json, textOf } from './http.mjs';

/** The arguments each of Codex's shell tools takes for one command line. */
const SHELL_TOOLS = /** @type {const} */ ({
  exec_command: (/** @type {string} */ cmd) => ({ cmd }),
  shell_command: (/** @type {string} */ cmd) => ({ command: cmd }),
  shell: (/** @type {string} */ cmd) => ({ command: ['bash', '-lc', cmd] }),
});

/** @param {{ command: string, onToolResult: (text: string) => void }} script */
export function startResponsesServer(script) {
  return serve((seen, res) => {
    if (seen.method === 'GET' && seen.path.endsWith('/models')) return json(res, { object: 'list', data: [], models: [] });
    if (seen.method !== 'POST' || !seen.path.includes('/responses')) return json(res, { error: { message: 'not here' } }, 404);
    const body = seen.body ?? {};
    const input = Array.isArray(body.input) ? body.input : [];
    const outputs = input.filter((/** @type {any} */ i) => i?.type === 'function_call_output' || i?.type === 'custom_tool_call_output');
    const names = (Array.isArray(body.tools) ? body.tools : []).map((/** @type {any} */ t) => t?.name ?? t?.function?.name);
    const tool = /** @type {(keyof typeof SHELL_TOOLS) | undefined} */ (Object.keys(SHELL_TOOLS).find((n) => names.includes(n)));
    const id = `resp_${seen.at}`;
    /** @type {any} */
    let item;
    if (outputs.length > 0) {
      script.onToolResult(textOf(outputs.map((/** @type {any} */ o) => o.output)));
      item = { type: 'message', id: `msg_${seen.at}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] };
    } else if (tool) {
      item = { type: 'function_call', id: `fc_${seen.at}`, call_id: `call_${seen.at}`, name: tool, arguments: JSON.stringify(SHELL_TOOLS[tool](script.command)), status: 'completed' };
    } else {
      item = { type: 'message', id: `msg_${seen.at}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Interlock agent test', annotations: [] }] };
    }
    const response = { id, object: 'response', created_at: Math.floor(seen.at / 1000), model: body.model ?? 'test-model', status: 'in_progress', output: [] };
    sse(res, [
      ['response.created', { type: 'response.created', sequence_number: 0, response }],
      ['response.output_item.added', { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item }],
      ['response.output_item.done', { type: 'response.output_item.done', sequence_number: 2, output_index: 0, item }],
      ['response.completed', { type: 'response.completed', sequence_number: 3, response: { ...response, status: 'completed', output: [item], usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 } } }],
    ]);
  });
}
