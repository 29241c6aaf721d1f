// @ts-check
// OpenAI Chat Completions as Copilot CLI speaks it to a custom provider: POST …/chat/completions,
// streamed as SSE. The request that offers a `bash` tool gets one call of it with the case's
// command; once a `tool` message is in the conversation it gets a final text.
import { serve, sse, json, textOf } from './http.mjs';

/** @param {{ command: string, onToolResult: (text: string) => void }} script */
export function startChatServer(script) {
  return serve((seen, res) => {
    if (seen.method === 'GET' && seen.path.endsWith('/models')) {
      return json(res, { object: 'list', data: [{ id: 'test-model', object: 'model', created: 0, owned_by: 'interlock' }] });
    }
    if (seen.method !== 'POST' || !seen.path.includes('/chat/completions')) return json(res, { error: { message: 'not here' } }, 404);
    const body = seen.body ?? {};
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const last = messages[messages.length - 1];
    const names = (Array.isArray(body.tools) ? body.tools : []).map((/** @type {any} */ t) => t?.function?.name);
    const created = Math.floor(seen.at / 1000);
    const base = { id: `chatcmpl_${seen.at}`, object: 'chat.completion.chunk', created, model: body.model ?? 'test-model' };
    /** @type {any} */
    let delta;
    let finish = 'stop';
    if (last?.role === 'tool') {
      script.onToolResult(textOf(last.content));
      delta = { role: 'assistant', content: 'Done.' };
    } else if (names.includes('bash')) {
      const args = { command: script.command, description: 'Run the requested command' };
      delta = { role: 'assistant', content: null, tool_calls: [{ index: 0, id: `call_${seen.at}`, type: 'function', function: { name: 'bash', arguments: JSON.stringify(args) } }] };
      finish = 'tool_calls';
    } else {
      delta = { role: 'assistant', content: 'Interlock agent test' };
    }
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    if (body.stream !== true) {
      const { tool_calls, ...rest } = delta;
      return json(res, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { ...rest, ...(tool_calls ? { tool_calls: tool_calls.map((/** @type {any} */ { index, ...c }) => c) } : {}) }, finish_reason: finish }], usage });
    }
    sse(res, [
      [null, { ...base, choices: [{ index: 0, delta, finish_reason: null }] }],
      [null, { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage }],
      [null, '[DONE]'],
    ]);
  });
}
