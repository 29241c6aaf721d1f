/**
 * Decide an agent's tool call: a shell line goes through the engine exactly as `interlock check`
 * sends it (the workspace's `.interlock.jsonc`, its facts, the built-in packs); MCP calls and file
 * reads go through the tool-call checks, with any shell lines in their arguments sent to the engine.
 */
import { createEngine } from '../../engine/index';
import type { Engine } from '../../engine/index';
import { fold } from '../../engine/evaluate';
import { resolveContext } from '../../engine/resolve';
import type { ResolvedContext } from '../../engine/resolve';
import { inspectFileAccess, inspectToolCall } from '../../engine/toolCalls';
import type { Decision, Reason } from '../../engine/types';
import { builtinPacks, fileReader, grammarBytesForCli } from '../io';
import type { HookCall } from './protocols';

export interface DecideInputs {
  cwd: string;
  home: string;
  vars: Record<string, string | undefined>;
  warn: (message: string) => void;
}

function engineFor(resolved: ResolvedContext): Engine {
  const packs = builtinPacks();
  return createEngine({ packs: resolved.workspacePack ? [...packs, resolved.workspacePack] : packs, grammarBytes: grammarBytesForCli });
}

async function checkLine(engine: Engine, line: string, resolved: ResolvedContext, inputs: DecideInputs): Promise<Decision> {
  try {
    return await engine.check(line, { environment: resolved.environment, policy: resolved.policy, cwd: inputs.cwd, home: inputs.home, reader: fileReader });
  } catch (e) {
    // Fail closed: a command the engine could not finish is a person's call.
    const message = `Interlock failed while checking this command (${(e as Error).message}); a person should look at it.`;
    return fold([{ rule: 'interlock/engine-error', message, decision: 'confirm', risk: 'medium' }], resolved.environment);
  }
}

/** The decision for one tool call, with the same context resolution as `interlock check`. */
export async function decideCall(call: HookCall, inputs: DecideInputs): Promise<Decision> {
  const resolved = resolveContext({ cwd: inputs.cwd, home: inputs.home, vars: inputs.vars, reader: fileReader });
  const extra: Reason[] = [];
  if (resolved.configError) {
    inputs.warn(resolved.configError);
    if (!resolved.environment.production) {
      // A broken rule file must not make a workspace look safer than it is.
      extra.push({ rule: 'interlock/workspace-config', message: `The workspace rule file is invalid (${resolved.configError}); the environment is unknown.`, decision: 'allow', risk: 'none' });
    }
  }
  const subject = call.subject;
  let reasons: Reason[];
  let environment = resolved.environment;
  if (subject.kind === 'shell') {
    const d = await checkLine(engineFor(resolved), subject.command, resolved, inputs);
    reasons = d.reasons;
    environment = d.environment;
  } else if (subject.kind === 'tool') {
    const findings = inspectToolCall(subject.call, {
      cwd: inputs.cwd,
      home: inputs.home,
      environment: resolved.environment,
      productionPatterns: resolved.policy.productionPatterns,
    });
    reasons = [...findings.reasons];
    if (findings.commands.length > 0) {
      const engine = engineFor(resolved);
      for (const line of findings.commands) reasons.push(...(await checkLine(engine, line, resolved, inputs)).reasons);
    }
    if (findings.production.length > 0) environment = { ...environment, production: true, facts: [...environment.facts, ...findings.production] };
  } else {
    reasons = inspectFileAccess(subject.access, { cwd: inputs.cwd, home: inputs.home });
  }
  const decision = fold(reasons, environment);
  decision.reasons.push(...extra);
  return decision;
}
