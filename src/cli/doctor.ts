/** `interlock doctor [--json] [--cwd DIR]`: the report of src/doctor/report.ts, as text or one JSON line. */
import { doctorReport, doctorText } from '../doctor/report';

interface DoctorArgs {
  json: boolean;
  cwd: string;
}

function parseArgs(args: string[]): DoctorArgs | string {
  const out: DoctorArgs = { json: false, cwd: process.cwd() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') out.json = true;
    else if (a === '--cwd') {
      const v = args[++i];
      if (v === undefined) return '--cwd needs a value';
      out.cwd = v;
    } else if (a.startsWith('--cwd=')) out.cwd = a.slice(6);
    else return `unknown argument ${a}`;
  }
  return out;
}

export async function runDoctor(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`interlock doctor: ${parsed}. See interlock --help.\n`);
    return 64;
  }
  const report = await doctorReport(parsed.cwd, process.env);
  process.stdout.write((parsed.json ? JSON.stringify(report) : doctorText(report)) + '\n');
  return report.ok ? 0 : 1;
}
