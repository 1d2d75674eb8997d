import { Command } from 'commander';
import type { CheckReport } from '../conformance/report.js';
import { AdminClient } from './admin-client.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

const MARK = { PASS: 'pass', WARN: 'WARN', FAIL: 'FAIL' } as const;

/** A check report as the operator reads it: one line per case, the verdict, and the quirks offered. */
export function describeCheck(report: CheckReport): string {
  const lines = report.cases.map((c) => `  ${MARK[c.outcome].padEnd(4)}  ${c.title}: ${c.detail}  [${c.section}]`);
  lines.push(`Verdict: ${report.verdict}`);
  if (Object.keys(report.quirks).length > 0) {
    lines.push(`Quirks that would bridge the warnings: ${JSON.stringify(report.quirks)} (switchyard applies them with PATCH /api/partners/${report.platform_id})`);
  }
  return lines.join('\n');
}

/** `switchyard partner check <id>`: runs a conformance check; exit code 1 when the partner fails it. */
export function checkCommand(): Command {
  return withClientOptions(new Command('check'))
    .description('run a conformance check against a registered partner and print each case')
    .argument('<id>', 'partner id')
    .action(async (id: string, options: ClientOptions) => {
      const report = await new AdminClient(options).post<CheckReport>(`/api/partners/${id}/checks`, {});
      print(options, report, () => describeCheck(report));
      if (report.verdict === 'FAIL') process.exitCode = 1;
    });
}
