// @ts-check
// Anthropic Messages API as Claude Code speaks it: POST /v1/messages, streamed as SSE. The main
// conversation (the request that offers the `Bash` tool) gets one `Bash` call with the case's
// command; once a tool result is in the conversation it gets a final text. Side requests (titles,
// summaries) get a short text.
import { serve, sse, json, textOf } from './http.mjs';

/** @param {{ command: string, onToolResult: (text: string) => void }} script */
export function startAnthropicServer(script) {
  return serve((seen, res) => {
    if (seen.method !== 'POST' || !seen.path.startsWith('/v1/messages')) return json(res, { type: 'error', error: { type: 'not_found_error', message: 'not here' } }, 404);
    if (seen.path.startsWith('/v1/messages/count_tokens')) return json(res, { input_tokens: 100 });
    const body = seen.body ?? {};
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const last = messages[messages.length - 1];
    const results = Array.isArray(last?.content) ? last.content.filter((/** @type {any} */ b) => b?.type === 'tool_result') : [];
    const offersBash = Array.isArray(body.tools) && body.tools.some((/** @type {any} */ t) => t?.name === 'Bash');
    /** @type {any[]} */
    let blocks;
    let stop = 'end_turn';
    if (results.length > 0) {
      script.onToolResult(textOf(results.map((/** @type {any} */ r) => r.content)));
      blocks = [{ type: 'text', text: 'Done.' }];
    } else if (offersBash) {
      blocks = [{ type: 'tool_use', id: `toolu_${seen.at}`, name: 'Bash', input: { command: script.command, description: 'Run the requested command' } }];
      stop = 'tool_use';
    } else {
      blocks = [{ type: 'text', text: 'Interlock agent test' }];
    }
    const message = { id: `msg_${seen.at}`, type: 'message', role: 'assistant', model: body.model ?? 'claude-test', stop_sequence: null };
    const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    if (body.stream !== true) return json(res, { ...message, content: blocks, stop_reason: stop, usage });
    /** @type {[string, unknown][]} */
    const events = [['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage } }]];
    blocks.forEach((block, index) => {
      if (block.type === 'tool_use') {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }]);
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } }]);
      } else {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } }]);
      }
      events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    });
    events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } }]);
    events.push(['message_stop', { type: 'message_stop' }]);
    sse(res, events);
  });
}
