// @ts-check
// Codex runs a user's hook only once the user has reviewed it: `~/.codex/config.toml` then holds
// `[hooks.state."<hooks.json>:pre_tool_use:<group>:<handler>"] trusted_hash = "sha256:…"`. This is the
// hash Codex computes (codex-rs/hooks/src/engine/discovery.rs `command_hook_hash` and
// codex-rs/config/src/fingerprint.rs `version_for_toml`): the event's snake_case label and the matcher
// group holding just this handler, normalised (timeout defaulted to 600 s, `async` false), serialised
// through TOML (so absent fields drop out), as JSON with every object's keys sorted, no whitespace.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** @param {unknown} v @returns {unknown} */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(/** @type {any} */ (v)[k])]));
  return v;
}

/** The `[hooks.state.…]` tables that mark every PreToolUse command hook in `hooksJson` as reviewed. */
export function codexHookTrust(/** @type {string} */ hooksJson) {
  const groups = JSON.parse(readFileSync(hooksJson, 'utf8')).hooks?.PreToolUse ?? [];
  /** @type {string[]} */
  const tables = [];
  groups.forEach((/** @type {any} */ group, /** @type {number} */ g) => {
    (group.hooks ?? []).forEach((/** @type {any} */ hook, /** @type {number} */ h) => {
      if (hook.type !== 'command') return;
      /** @type {Record<string, unknown>} */
      const handler = { type: 'command', command: hook.command, timeout: Math.max(1, hook.timeout ?? hook.timeoutSec ?? 600), async: hook.async ?? false };
      if (hook.statusMessage !== undefined) handler.statusMessage = hook.statusMessage;
      /** @type {Record<string, unknown>} */
      const identity = { event_name: 'pre_tool_use', hooks: [handler] };
      if (group.matcher !== undefined && group.matcher !== null) identity.matcher = group.matcher;
      const hash = createHash('sha256').update(JSON.stringify(sorted(identity))).digest('hex');
      tables.push(`[hooks.state.${JSON.stringify(`${hooksJson}:pre_tool_use:${g}:${h}`)}]\ntrusted_hash = "sha256:${hash}"\n`);
    });
  });
  return tables.join('\n');
}
