/** Plain-text explanation of a decision, for the CLI and the editor's "Explain Command". */
import type { Decision, Span } from './types';

export interface ExplainStyle {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

export const PLAIN: ExplainStyle = { bold: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s };

/** The command with `^` under a span; long or multi-line commands show the line holding it. */
export function markSpan(command: string, span: Span | undefined, indent = '  '): string[] {
  if (!span || span.end <= span.start) return [];
  const lineStart = command.lastIndexOf('\n', span.start - 1) + 1;
  const nl = command.indexOf('\n', lineStart);
  const lineEnd = nl < 0 ? command.length : nl;
  let text = command.slice(lineStart, lineEnd);
  let from = span.start - lineStart;
  let to = Math.min(span.end, lineEnd) - lineStart;
  const width = 100;
  if (text.length > width) {
    const cut = Math.max(0, Math.min(from - 10, text.length - width));
    text = (cut > 0 ? '…' : '') + text.slice(cut, cut + width) + (cut + width < text.length ? '…' : '');
    const shift = cut > 0 ? cut - 1 : 0;
    from -= shift;
    to = Math.min(to - shift, text.length);
  }
  return [indent + text, indent + ' '.repeat(Math.max(0, from)) + '^'.repeat(Math.max(1, to - from))];
}

export function explainDecision(command: string, d: Decision, style: ExplainStyle = PLAIN): string {
  const head = d.decision === 'block' ? style.red('BLOCK') : d.decision === 'confirm' ? style.yellow('CONFIRM') : style.green('ALLOW');
  const label = d.environment.label === 'unknown' ? 'environment unknown' : `environment ${d.environment.label} (${d.environment.source})`;
  const env = d.environment.production && d.environment.label !== 'production' ? `${label} · ${style.red('PRODUCTION')} by detected facts` : label;
  const lines = [`${style.bold(head)}  risk ${d.risk} · ${env}`];
  for (const f of d.environment.facts) lines.push(style.dim(`  · ${f.kind} ${f.value} (from ${f.source})${f.production ? ' — production' : ''}`));
  if (d.reasons.length === 0) {
    lines.push(style.dim('  No rule matched: the command runs without asking.'));
    return lines.join('\n');
  }
  for (const r of d.reasons) {
    lines.push('');
    lines.push(`  ${r.decision === 'block' ? style.red('✖') : r.decision === 'allow' ? style.dim('i') : style.yellow('!')} ${style.bold(r.rule)}: ${r.message}`);
    lines.push(...markSpan(command, r.span, '    ').map(style.dim));
  }
  return lines.join('\n');
}
