/** Shared shapes of the policy engine. Plain data only: the engine never touches I/O or `vscode`. */

/** The shell dialect a command line is written in. zsh and fish lines are read as bash. */
export type Shell = 'bash' | 'zsh' | 'fish' | 'powershell' | 'cmd';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish', 'powershell', 'cmd'];

export type DecisionKind = 'allow' | 'confirm' | 'block';
export type Risk = 'none' | 'low' | 'medium' | 'high' | 'critical';

export const DECISION_ORDER: Record<DecisionKind, number> = { allow: 0, confirm: 1, block: 2 };
export const RISK_ORDER: Record<Risk, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Half-open range of UTF-16 offsets into the original command line. */
export interface Span {
  start: number;
  end: number;
}

/** One shell word after quote removal and same-line expansion. */
export interface Word {
  value: string;
  span: Span;
  /** The value depends on something unknown here: an unset variable, `$(…)`, a glob fed by xargs. */
  dynamic: boolean;
}

export interface Redirect {
  op: string;
  /** Target file for `>`, `>>`, `<`, `&>`…; absent for heredocs and here-strings. */
  target?: Word;
  fd?: number;
  span: Span;
}

/** Where a command's standard input comes from, when the line says. */
export type StdinSource =
  | { kind: 'text'; text: string; span: Span; origin: 'heredoc' | 'herestring' | 'echo' }
  | { kind: 'command'; command: SimpleCommand }
  | { kind: 'file'; path: Word };

/** A command that would execute, as bash would run it. */
export interface SimpleCommand {
  argv: Word[];
  assignments: { name: string; value: Word }[];
  redirects: Redirect[];
  stdin?: StdinSource;
  span: Span;
  /** Wrappers and nesting it was found under, outermost first: `sudo`, `bash -c`, `ssh host`… */
  via: string[];
  /** Nesting depth of shell-in-shell evaluation. */
  depth: number;
  /** Where its standard output goes, when not to the terminal: a pipe, `$(…)`, a file. */
  stdout?: { kind: 'pipe'; to: SimpleCommand } | { kind: 'capture' } | { kind: 'file' };
  /** The words before a wrapped command (`sudo -u x` of `sudo -u x rm …`), not a command of its own. */
  wrapper?: true;
  /** Set when the command runs somewhere else: a remote host or a container. */
  remote?: { kind: 'ssh' | 'container' | 'pod'; target: string };
}

export interface ParseIssue {
  message: string;
  span: Span;
}

export interface ParsedLine {
  commands: SimpleCommand[];
  issues: ParseIssue[];
  /** Function names defined on the line; their bodies are already in `commands`. */
  functions: string[];
}

export interface EnvironmentFact {
  kind: string;
  value: string;
  source: string;
  production: boolean;
}

export interface EnvironmentInfo {
  /** `production`, `staging`, `development`, a custom name, or `unknown`. */
  label: string;
  production: boolean;
  source: string;
  facts: EnvironmentFact[];
}

export interface Reason {
  rule: string;
  message: string;
  decision: DecisionKind;
  risk: Risk;
  span?: Span;
}

export interface Decision {
  decision: DecisionKind;
  risk: Risk;
  environment: EnvironmentInfo;
  reasons: Reason[];
}
