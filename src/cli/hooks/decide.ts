/**
 * Decide an agent's tool call: a shell line goes through the engine exactly as `interlock check`
 * sends it (the workspace's `.interlock.jsonc`, its facts, the built-in packs); MCP calls and file
 * reads go through the tool-call checks, with any shell lines in their arguments sent to the engine;
 * file tools' writes go to the engine's `writes` rules, the ones a shell redirect or `cp` meets.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { Engine, FileWrite } from '../../engine/index';
import { fold } from '../../engine/evaluate';
import { environmentLookup, resolveWorkspace } from '../../approvals/resolveWorkspace';
import type { ResolvedContext } from '../../engine/resolve';
import { inspectFileAccess, inspectToolCall } from '../../engine/toolCalls';
import type { Decision, EnvironmentInfo, Reason, Shell } from '../../engine/types';
import { fileReader } from '../io';
import { engineFor } from '../engines';
import type { HookCall } from './protocols';

export interface DecideInputs {
  cwd: string;
  home: string;
  vars: Record<string, string | undefined>;
  warn: (message: string) => void;
}

async function checkLine(engine: Engine, line: string, resolved: ResolvedContext, inputs: DecideInputs, shell?: Shell): Promise<Decision> {
  try {
    const environmentAt = environmentLookup(inputs.home, inputs.vars, inputs.warn);
    return await engine.check(line, { environment: resolved.environment, policy: resolved.policy, cwd: inputs.cwd, home: inputs.home, reader: fileReader, environmentAt, vars: inputs.vars, shell });
  } catch (e) {
    // Fail closed: a command the engine could not finish is a person's call.
    const message = `Interlock failed while checking this command (${(e as Error).message}); a person should look at it.`;
    return fold([{ rule: 'interlock/engine-error', message, decision: 'confirm', risk: 'medium' }], resolved.environment);
  }
}

function checkWrites(engine: Engine, writes: FileWrite[], tool: string, resolved: ResolvedContext, inputs: DecideInputs): Decision {
  try {
    return engine.checkWrites(writes, { environment: resolved.environment, policy: resolved.policy, cwd: inputs.cwd, home: inputs.home, reader: fileReader }, tool);
  } catch (e) {
    // Fail closed, as for a command: a file change the engine could not judge is a person's call.
    const message = `Interlock failed while checking this file change (${(e as Error).message}); a person should look at it.`;
    return fold([{ rule: 'interlock/engine-error', message, decision: 'confirm', risk: 'medium' }], resolved.environment);
  }
}

/**
 * A file tool may write into another folder than the one it runs in: a production folder's files
 * are judged as production whichever folder the agent started from.
 */
function targetEnvironment(writes: FileWrite[], here: EnvironmentInfo, inputs: DecideInputs): EnvironmentInfo {
  if (here.production) return here;
  const dirs = new Set<string>();
  for (const w of writes) {
    if (w.dynamic || w.path === '') continue;
    const path = w.path.replace(/^~(?=\/|$)/, inputs.home);
    dirs.add(dirname(resolvePath(inputs.cwd, path)));
  }
  for (const dir of [...dirs].slice(0, 16)) {
    if (dir === resolvePath(inputs.cwd)) continue;
    const there = resolveWorkspace({ cwd: dir, home: inputs.home, vars: inputs.vars, warn: inputs.warn }).environment;
    if (there.production) return { ...there, source: `${there.source} of ${dir}` };
  }
  return here;
}

/** The decision for one tool call, with the same context resolution as `interlock check`. */
export async function decideCall(call: HookCall, inputs: DecideInputs): Promise<Decision> {
  const resolved = resolveWorkspace({ cwd: inputs.cwd, home: inputs.home, vars: inputs.vars, warn: inputs.warn });
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
    const d = await checkLine(engineFor(resolved.workspacePack), subject.command, resolved, inputs, subject.shell);
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
      const engine = engineFor(resolved.workspacePack);
      for (const line of findings.commands) reasons.push(...(await checkLine(engine, line, resolved, inputs)).reasons);
    }
    if (findings.production.length > 0) environment = { ...environment, production: true, facts: [...environment.facts, ...findings.production] };
  } else if (subject.kind === 'writes') {
    const d = checkWrites(engineFor(resolved.workspacePack), subject.writes, call.tool, { ...resolved, environment: targetEnvironment(subject.writes, resolved.environment, inputs) }, inputs);
    reasons = d.reasons;
    environment = d.environment;
  } else {
    reasons = inspectFileAccess(subject.access, { cwd: inputs.cwd, home: inputs.home });
  }
  const decision = fold(reasons, environment);
  decision.reasons.push(...extra);
  return decision;
}
