/**
 * How long a hook may take. The answer must arrive before the agent gives up on the hook (Claude
 * Code's default is 60 s, VS Code's 30 s unless the hook entry says otherwise; the installer
 * writes 60 s everywhere).
 */
export const DEFAULT_BUDGET_MS = 55_000;

export function hookBudget(vars: Record<string, string | undefined>): number {
  const n = Number(vars.INTERLOCK_HOOK_TIMEOUT_MS);
  return Number.isFinite(n) && n >= 100 && n <= 3_600_000 ? n : DEFAULT_BUDGET_MS;
}
