/**
 * PowerShell cmdlets as the engine's effect model sees them: aliases resolved to cmdlet names,
 * parameters bound as PowerShell binds them (any unambiguous prefix, case-insensitive, `-P:value`),
 * and the cmdlets that delete, write, move, read or kill translated into the POSIX command with
 * the same effect (`Remove-Item -Recurse -Force ~` → `rm -r -f ~`), so the rules and file effects
 * that judge bash judge PowerShell the same way.
 */
import type { Word } from '../types';

/** Default aliases of PowerShell 7 and Windows PowerShell 5.1 (`Get-Alias`), lower-case. */
export const PS_ALIASES: Readonly<Record<string, string>> = {
  rm: 'Remove-Item', ri: 'Remove-Item', del: 'Remove-Item', erase: 'Remove-Item', rd: 'Remove-Item', rmdir: 'Remove-Item',
  cat: 'Get-Content', gc: 'Get-Content', type: 'Get-Content',
  ls: 'Get-ChildItem', dir: 'Get-ChildItem', gci: 'Get-ChildItem',
  cp: 'Copy-Item', copy: 'Copy-Item', cpi: 'Copy-Item',
  mv: 'Move-Item', move: 'Move-Item', mi: 'Move-Item',
  ren: 'Rename-Item', rni: 'Rename-Item',
  echo: 'Write-Output', write: 'Write-Output',
  kill: 'Stop-Process', spps: 'Stop-Process',
  iwr: 'Invoke-WebRequest', irm: 'Invoke-RestMethod', iex: 'Invoke-Expression', icm: 'Invoke-Command',
  saps: 'Start-Process', start: 'Start-Process',
  sc: 'Set-Content', ac: 'Add-Content', clc: 'Clear-Content', ni: 'New-Item', gi: 'Get-Item',
  cd: 'Set-Location', sl: 'Set-Location', chdir: 'Set-Location',
  sls: 'Select-String', sp: 'Set-ItemProperty', tee: 'Tee-Object', sal: 'Set-Alias', nal: 'New-Alias', rp: 'Remove-ItemProperty', spsv: 'Stop-Service',
  '%': 'ForEach-Object', foreach: 'ForEach-Object', '?': 'Where-Object', where: 'Where-Object',
};

interface CmdletSpec {
  /** Parameter names; switches are listed in `switches` too. */
  params: string[];
  switches?: string[];
  /** Parameters bound by position, in order. */
  positional?: string[];
  /** Parameter aliases (lower-case) → parameter name. */
  aliases?: Record<string, string>;
  /** The last positional parameter takes every remaining argument (`Write-Output a b c`). */
  rest?: boolean;
}

const PATH_PARAMS = ['Path', 'LiteralPath', 'Filter', 'Include', 'Exclude', 'Credential', 'Force'];

export const CMDLETS: Readonly<Record<string, CmdletSpec>> = {
  'Remove-Item': { params: [...PATH_PARAMS, 'Recurse', 'Stream'], switches: ['Recurse', 'Force'], positional: ['Path'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Get-Content': {
    params: [...PATH_PARAMS, 'TotalCount', 'Tail', 'ReadCount', 'Raw', 'Encoding', 'Wait', 'Delimiter', 'Stream', 'AsByteStream'],
    switches: ['Force', 'Raw', 'Wait', 'AsByteStream'],
    positional: ['Path'],
    aliases: { lp: 'LiteralPath', pspath: 'LiteralPath', first: 'TotalCount', head: 'TotalCount', last: 'Tail' },
  },
  'Set-Content': { params: [...PATH_PARAMS, 'Value', 'PassThru', 'NoNewline', 'Encoding', 'Stream', 'AsByteStream'], switches: ['Force', 'PassThru', 'NoNewline', 'AsByteStream'], positional: ['Path', 'Value'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Add-Content': { params: [...PATH_PARAMS, 'Value', 'PassThru', 'NoNewline', 'Encoding', 'Stream', 'AsByteStream'], switches: ['Force', 'PassThru', 'NoNewline', 'AsByteStream'], positional: ['Path', 'Value'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Clear-Content': { params: [...PATH_PARAMS, 'Stream'], switches: ['Force'], positional: ['Path'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Out-File': { params: ['FilePath', 'LiteralPath', 'Encoding', 'Append', 'Force', 'NoClobber', 'Width', 'NoNewline', 'InputObject'], switches: ['Append', 'Force', 'NoClobber', 'NoNewline'], positional: ['FilePath', 'Encoding'], aliases: { path: 'FilePath', lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'New-Item': { params: ['Path', 'Name', 'ItemType', 'Value', 'Force', 'Credential'], switches: ['Force'], positional: ['Path'], aliases: { type: 'ItemType' } },
  'Copy-Item': { params: [...PATH_PARAMS, 'Destination', 'Container', 'Recurse', 'PassThru', 'ToSession', 'FromSession'], switches: ['Container', 'Force', 'Recurse', 'PassThru'], positional: ['Path', 'Destination'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Move-Item': { params: [...PATH_PARAMS, 'Destination', 'PassThru'], switches: ['Force', 'PassThru'], positional: ['Path', 'Destination'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Rename-Item': { params: ['Path', 'LiteralPath', 'NewName', 'Force', 'PassThru', 'Credential'], switches: ['Force', 'PassThru'], positional: ['Path', 'NewName'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Get-ChildItem': {
    params: [...PATH_PARAMS, 'Recurse', 'Depth', 'Name', 'Attributes', 'Directory', 'File', 'Hidden', 'ReadOnly', 'System', 'FollowSymlink'],
    switches: ['Recurse', 'Force', 'Name', 'Directory', 'File', 'Hidden', 'ReadOnly', 'System', 'FollowSymlink'],
    positional: ['Path', 'Filter'],
    aliases: { lp: 'LiteralPath', pspath: 'LiteralPath', s: 'Recurse', ad: 'Directory', af: 'File', h: 'Hidden', ar: 'ReadOnly', as: 'System' },
  },
  'Get-Item': { params: [...PATH_PARAMS, 'Stream'], switches: ['Force'], positional: ['Path'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Write-Output': { params: ['InputObject', 'NoEnumerate'], switches: ['NoEnumerate'], positional: ['InputObject'], rest: true },
  'Write-Host': { params: ['Object', 'NoNewline', 'Separator', 'ForegroundColor', 'BackgroundColor'], switches: ['NoNewline'], positional: ['Object'], rest: true, aliases: { msg: 'Object', message: 'Object' } },
  'Stop-Process': { params: ['Id', 'Name', 'InputObject', 'PassThru', 'Force'], switches: ['PassThru', 'Force'], positional: ['Id'], aliases: { processname: 'Name', pid: 'Id' } },
  'Start-Process': {
    params: ['FilePath', 'ArgumentList', 'Credential', 'WorkingDirectory', 'LoadUserProfile', 'NoNewWindow', 'PassThru', 'RedirectStandardError', 'RedirectStandardInput', 'RedirectStandardOutput', 'Verb', 'WindowStyle', 'Wait', 'UseNewEnvironment', 'Environment'],
    switches: ['LoadUserProfile', 'NoNewWindow', 'PassThru', 'Wait', 'UseNewEnvironment'],
    positional: ['FilePath', 'ArgumentList'],
    aliases: { pspath: 'FilePath', path: 'FilePath', args: 'ArgumentList', lup: 'LoadUserProfile', nnw: 'NoNewWindow', rse: 'RedirectStandardError', rsi: 'RedirectStandardInput', rso: 'RedirectStandardOutput' },
  },
  'Set-Location': { params: ['Path', 'LiteralPath', 'PassThru', 'StackName'], switches: ['PassThru'], positional: ['Path'], aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Select-String': {
    params: ['Pattern', 'Path', 'LiteralPath', 'InputObject', 'SimpleMatch', 'CaseSensitive', 'Quiet', 'List', 'NoEmphasis', 'Include', 'Exclude', 'NotMatch', 'AllMatches', 'Encoding', 'Context', 'Raw'],
    switches: ['SimpleMatch', 'CaseSensitive', 'Quiet', 'List', 'NoEmphasis', 'NotMatch', 'AllMatches', 'Raw'],
    positional: ['Pattern', 'Path'],
    aliases: { lp: 'LiteralPath', pspath: 'LiteralPath' },
  },
  'Invoke-Expression': { params: ['Command'], positional: ['Command'], rest: true },
  'New-ScheduledTaskAction': { params: ['Execute', 'Argument', 'WorkingDirectory', 'Id'], positional: ['Execute', 'Argument'] },
  'Tee-Object': { params: ['FilePath', 'LiteralPath', 'Append', 'Variable', 'InputObject', 'Encoding'], switches: ['Append'], positional: ['FilePath'], aliases: { path: 'FilePath', lp: 'LiteralPath', pspath: 'LiteralPath' } },
  'Set-Alias': { params: ['Name', 'Value', 'Description', 'Option', 'PassThru', 'Scope', 'Force'], switches: ['PassThru', 'Force'], positional: ['Name', 'Value'] },
  'New-Alias': { params: ['Name', 'Value', 'Description', 'Option', 'PassThru', 'Scope', 'Force'], switches: ['PassThru', 'Force'], positional: ['Name', 'Value'] },
  'Stop-Computer': { params: ['ComputerName', 'Force', 'Credential', 'WsmanAuthentication', 'AsJob'], switches: ['Force', 'AsJob'], positional: ['ComputerName'], aliases: { cn: 'ComputerName' } },
  'Restart-Computer': { params: ['ComputerName', 'Force', 'Credential', 'Wait', 'Timeout', 'For', 'Delay', 'WsmanAuthentication', 'AsJob'], switches: ['Force', 'Wait', 'AsJob'], positional: ['ComputerName'], aliases: { cn: 'ComputerName' } },
};

/**
 * The web cmdlets, bound only for what they write (`-OutFile`): their requests are read by http.ts
 * from the words as written.
 */
export const WEB_CMDLETS: Readonly<Record<string, CmdletSpec>> = {
  'Invoke-WebRequest': {
    params: ['Uri', 'Method', 'CustomMethod', 'Body', 'Headers', 'InFile', 'OutFile', 'Credential', 'Authentication', 'Token', 'ContentType', 'UserAgent', 'WebSession', 'SessionVariable', 'TimeoutSec', 'Proxy', 'Form', 'PassThru', 'UseBasicParsing', 'SkipCertificateCheck', 'UseDefaultCredentials', 'Resume'],
    switches: ['PassThru', 'UseBasicParsing', 'SkipCertificateCheck', 'UseDefaultCredentials', 'Resume'],
    positional: ['Uri'],
    aliases: { iwr: 'Uri' },
  },
};

/** Parameters every cmdlet has; all but the four switches take a value. */
const COMMON_PARAMS = ['Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'ProgressAction', 'WhatIf', 'Confirm'];
const COMMON_SWITCHES = ['Verbose', 'Debug', 'WhatIf', 'Confirm'];
const COMMON_ALIASES: Record<string, string> = { vb: 'Verbose', db: 'Debug', ea: 'ErrorAction', wa: 'WarningAction', infa: 'InformationAction', ev: 'ErrorVariable', wv: 'WarningVariable', iv: 'InformationVariable', ov: 'OutVariable', ob: 'OutBuffer', pv: 'PipelineVariable', proga: 'ProgressAction', wi: 'WhatIf', cf: 'Confirm' };

/** The cmdlet a command name runs: an alias resolved, a known cmdlet's name in its own case. */
export function canonicalCmdlet(name: string): string {
  const lower = name.toLowerCase();
  const aliased = PS_ALIASES[lower];
  if (aliased) return aliased;
  const known = Object.keys(CMDLETS).find((k) => k.toLowerCase() === lower);
  return known ?? name;
}

/** One element of a PowerShell command: a `-Parameter` (with any `:value`) or an argument (`rest`: more members of its array, `a,b`). */
export type Element = { kind: 'param'; name: string; word: Word; attached?: Word[] } | { kind: 'arg'; word: Word; rest?: Word[] };

export interface Bound {
  /** Parameter name → its values (switches: a word `true` or `false`). */
  params: Map<string, Word[]>;
  /** Arguments PowerShell would bind by position, in order. */
  positionals: Word[];
  /** Parameters no name or prefix of this cmdlet matches (PowerShell refuses them; kept for the reading). */
  unknown: Word[];
}

/** Resolve a parameter as PowerShell does: exact name or alias, else the one parameter it prefixes. */
export function resolveParam(spec: CmdletSpec, raw: string): string | undefined {
  const p = raw.toLowerCase();
  const all = [...spec.params, ...COMMON_PARAMS];
  const exact = all.find((n) => n.toLowerCase() === p) ?? spec.aliases?.[p] ?? COMMON_ALIASES[p];
  if (exact) return exact;
  const found = [...new Set(all.filter((n) => n.toLowerCase().startsWith(p)))];
  return found.length === 1 ? found[0] : undefined;
}

/** Whether a known cmdlet's parameter (by any prefix) takes a value; false for switches and unknown names. */
export function takesValue(command: string, param: string): boolean {
  const cmdlet = canonicalCmdlet(command);
  const spec = CMDLETS[cmdlet];
  const name = spec ? resolveParam(spec, param) : undefined;
  return name !== undefined && !(spec?.switches ?? []).includes(name) && !COMMON_SWITCHES.includes(name);
}

/** Bind a known cmdlet's elements to its parameters. */
export function bind(cmdlet: string, elements: Element[]): Bound | undefined {
  const spec = CMDLETS[cmdlet] ?? WEB_CMDLETS[cmdlet === 'Invoke-RestMethod' ? 'Invoke-WebRequest' : cmdlet];
  if (!spec) return undefined;
  const switches = new Set([...(spec.switches ?? []), ...COMMON_SWITCHES]);
  const out: Bound = { params: new Map(), positionals: [], unknown: [] };
  const add = (name: string, w: Word): void => {
    out.params.set(name, [...(out.params.get(name) ?? []), w]);
  };
  const groups: Word[][] = [];
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.kind === 'arg') {
      groups.push([e.word, ...(e.rest ?? [])]);
      continue;
    }
    const name = resolveParam(spec, e.name);
    if (!name) {
      out.unknown.push(e.word);
      continue;
    }
    if (switches.has(name)) {
      const off = e.attached?.[0] && /^\$?false$|^0$/i.test(e.attached[0].value);
      add(name, { ...e.word, value: off ? 'false' : 'true' });
    } else if (e.attached) {
      for (const w of e.attached) add(name, w);
    } else {
      const next = elements[i + 1];
      if (next?.kind === 'arg') {
        i++;
        for (const w of [next.word, ...(next.rest ?? [])]) add(name, w);
      }
    }
  }
  // Positional arguments (an array is one) fill the positional parameters not given by name.
  const free = (spec.positional ?? []).filter((p) => !out.params.has(p));
  groups.forEach((g, k) => {
    const last = free.length - 1;
    const name = k <= last ? free[k] : spec.rest && last >= 0 ? free[last] : undefined;
    for (const w of g) {
      if (name) add(name, w);
      else out.positionals.push(w);
    }
  });
  return out;
}

export function isOn(b: Bound, name: string): boolean {
  return b.params.get(name)?.some((w) => w.value === 'true') === true;
}

export function values(b: Bound, ...names: string[]): Word[] {
  return names.flatMap((n) => b.params.get(n) ?? []);
}

/** A Windows or PowerShell path spelled as the path classifier reads it: `/` separators, `~` for the profile. */
export function posixPath(w: Word): Word {
  let v = w.value;
  if (/^(\$env:(userprofile|home)|\$home|%userprofile%|%home%)(?=[\\/]|$)/i.test(v)) v = v.replace(/^[^\\/]+/, '~');
  else if (/^(filesystem::|microsoft\.powershell\.core\\filesystem::)/i.test(v)) v = v.replace(/^[^:]*::/, '');
  v = v.replace(/\\/g, '/');
  // The profile's temp folder is where %TEMP% points.
  v = v.replace(/^(~\/AppData\/Local|\$env:LOCALAPPDATA|%LOCALAPPDATA%)\/Temp(?=\/|$)/i, '$env:TEMP');
  // A profile or temp variable now spelled `~` or `$env:TEMP` no longer makes the word unknown; anything else unknown still does.
  if (v !== w.value && (v.startsWith('~') || v.startsWith('$env:TEMP'))) return { ...w, value: v, dynamic: w.dynamic && /[$%]/.test(v.replace(/^\$env:TEMP/, '')) };
  return v === w.value ? w : { ...w, value: v };
}

const lit = (value: string, at: Word): Word => ({ value, span: at.span, dynamic: false });

/** Paths a cmdlet was given, by -Path / -LiteralPath or position; `{stdin}` when they come down the pipe. */
function targets(b: Bound, piped: Word | undefined, at: Word, ...names: string[]): Word[] {
  const given = values(b, ...names);
  if (given.length > 0) return given.map(posixPath);
  return piped ? [piped] : [];
}

/**
 * The POSIX command with the same effect as a bound cmdlet, or undefined when it has none that
 * matters (reading a directory, printing text). `piped` is what arrives down the pipeline, as a
 * path (`Get-ChildItem x | Remove-Item`) or the unknown list `{stdin}`.
 */
export function posixEquivalent(cmdlet: string, b: Bound, name: Word, piped?: Word): Word[] | undefined {
  const l = (v: string): Word => lit(v, name);
  switch (cmdlet) {
    case 'Remove-Item': {
      const paths = targets(b, piped, name, 'Path', 'LiteralPath');
      if (paths.length === 0) return undefined;
      const filter = values(b, 'Filter', 'Include')[0];
      const swept = filter ? paths.map((p) => ({ ...p, value: `${p.value.replace(/\/+$/, '')}/${filter.value}` })) : paths;
      // Items of a recursive listing (`Get-ChildItem ~ -Recurse | Remove-Item`) reach the whole tree, as `find ~ -delete` does.
      const recursive = isOn(b, 'Recurse') || (piped as { recursive?: true } | undefined)?.recursive === true;
      const flags = [recursive ? '-r' : '', isOn(b, 'Force') ? '-f' : ''].filter(Boolean).map(l);
      // `rm -rf` spelled the bash way fails in PowerShell, but the reading keeps what it asked for.
      const unknown = b.unknown.filter((w) => /^-[rRfF]+$/.test(w.value));
      return [l('rm'), ...flags, ...unknown, l('--'), ...swept];
    }
    case 'Get-Content': {
      const paths = targets(b, undefined, name, 'Path', 'LiteralPath');
      return paths.length > 0 ? [l('cat'), l('--'), ...paths] : undefined;
    }
    case 'Set-Content':
    case 'Add-Content':
    case 'Tee-Object':
    case 'Out-File': {
      const paths = targets(b, undefined, name, 'Path', 'LiteralPath', 'FilePath');
      if (paths.length === 0) return undefined;
      const append = cmdlet === 'Add-Content' || isOn(b, 'Append');
      return [l('tee'), ...(append ? [l('-a')] : []), l('--'), ...paths];
    }
    case 'Clear-Content': {
      const paths = targets(b, piped, name, 'Path', 'LiteralPath');
      return paths.length > 0 ? [l('truncate'), l('-s'), l('0'), l('--'), ...paths] : undefined;
    }
    case 'New-Item': {
      let paths = targets(b, undefined, name, 'Path');
      const itemName = values(b, 'Name')[0];
      if (itemName) paths = (paths.length > 0 ? paths : [l('.')]).map((p) => ({ ...p, value: `${p.value.replace(/\/+$/, '')}/${posixPath(itemName).value}` }));
      if (paths.length === 0) return undefined;
      const type = values(b, 'ItemType')[0]?.value.toLowerCase() ?? 'file';
      if (/^d/.test(type)) return [l('mkdir'), l('-p'), l('--'), ...paths];
      if (/^(s|h|j)/.test(type)) return [l('ln'), l('-sf'), ...values(b, 'Value').map(posixPath), ...paths];
      // A file: with -Force an existing one is replaced, with -Value it gets that text.
      return isOn(b, 'Force') || b.params.has('Value') ? [l('tee'), l('--'), ...paths] : [l('touch'), l('--'), ...paths];
    }
    case 'Copy-Item':
    case 'Move-Item': {
      const sources = targets(b, piped, name, 'Path', 'LiteralPath');
      const dest = values(b, 'Destination').map(posixPath);
      if (sources.length === 0) return undefined;
      const flags = cmdlet === 'Copy-Item' ? [isOn(b, 'Recurse') ? '-r' : '', isOn(b, 'Force') ? '-f' : ''].filter(Boolean).map(l) : isOn(b, 'Force') ? [l('-f')] : [];
      return [l(cmdlet === 'Copy-Item' ? 'cp' : 'mv'), ...flags, l('--'), ...sources, ...(dest.length > 0 ? dest : [l('./')])];
    }
    case 'Rename-Item': {
      const [path] = targets(b, piped, name, 'Path', 'LiteralPath');
      const newName = values(b, 'NewName')[0];
      if (!path || !newName) return undefined;
      const dir = path.value.includes('/') ? path.value.replace(/\/[^/]*\/?$/, '/') : '';
      return [l('mv'), l('--'), path, { ...newName, value: `${dir}${posixPath(newName).value}` }];
    }
    case 'Invoke-WebRequest':
    case 'Invoke-RestMethod': {
      // The response lands in a file: a write, like `curl -o`.
      const out = values(b, 'OutFile').map(posixPath);
      return out.length > 0 ? [l('tee'), l('--'), ...out] : undefined;
    }
    case 'Write-Output':
    case 'Write-Host':
      return [l('echo'), ...values(b, 'InputObject', 'Object')];
    case 'Get-ChildItem':
    case 'Get-Item': {
      const paths = values(b, 'Path', 'LiteralPath');
      // The env: drive holds the environment variables: listing it prints every one.
      const env = paths.map((p) => /^env:[\\/]?(.*)$/i.exec(p.value)).filter((m) => m !== null);
      if (env.length === 0) return undefined;
      const names = env.map((m) => m[1]).filter((n) => n !== '' && n !== '*');
      return names.length > 0 ? [l('printenv'), ...names.map(l)] : [l('env')];
    }
    case 'Select-String': {
      const paths = targets(b, undefined, name, 'Path', 'LiteralPath');
      const pattern = values(b, 'Pattern')[0];
      return pattern && paths.length > 0 ? [l('grep'), l('-e'), pattern, l('--'), ...paths] : undefined;
    }
    case 'Stop-Process': {
      // Ids a command computes (`(Get-Process x).Id`) are a list, as `$(pgrep x)` is.
      const ids = values(b, 'Id').map((w) => (w.dynamic && w.value.startsWith('(') ? { ...w, value: `$${w.value}` } : w));
      const names = values(b, 'Name');
      if (ids.length > 0) return [l('kill'), ...(isOn(b, 'Force') ? [l('-9')] : []), ...ids];
      if (names.length > 0) return [l('killall'), ...(isOn(b, 'Force') ? [l('-9')] : []), ...names];
      return piped ? [l('kill'), l('-9'), piped] : undefined;
    }
    case 'Stop-Computer':
      return values(b, 'ComputerName').length > 0 ? undefined : [l('shutdown'), l('-h'), l('now')];
    case 'Restart-Computer':
      return values(b, 'ComputerName').length > 0 ? undefined : [l('reboot')];
    case 'Set-Location': {
      const [path] = values(b, 'Path', 'LiteralPath').map(posixPath);
      return [l('cd'), ...(path ? [path] : [])];
    }
  }
  return undefined;
}
