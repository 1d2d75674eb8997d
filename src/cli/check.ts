import { Command } from 'commander';
import type { CheckReport } from '../conformance/report.js';
import type { Quirks } from '../hub/quirks.js';
import { AdminClient } from './admin-client.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

const MARK = { PASS: 'pass', WARN: 'WARN', FAIL: 'FAIL' } as const;

/** A check report as the operator reads it: one line per case, the verdict, and the quirks offered. */
export function describeCheck(report: CheckReport): string {
  const lines = report.cases.map((c) => `  ${MARK[c.outcome].padEnd(4)}  ${c.title}: ${c.detail}  [${c.section}]`);
  lines.push(`Verdict: ${report.verdict} (check ${report.id}, ${report.reason})`);
  if (Object.keys(report.quirks).length > 0) {
    lines.push(
      `Quirks that would bridge the warnings: ${JSON.stringify(report.quirks)} (apply them with: switchyard partner apply-quirks ${report.platform_id} --check ${report.id})`,
    );
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

/** `switchyard partner apply-quirks <id>`: accepts the quirks a check offered (the latest by default) and checks again. */
export function applyQuirksCommand(): Command {
  return withClientOptions(new Command('apply-quirks'))
    .description("apply the quirks a conformance check offered to bridge its warnings, then check the partner again")
    .argument('<id>', 'partner id')
    .option('--check <check id>', 'the check whose quirks to apply (default: the latest)')
    .action(async (id: string, options: ClientOptions & { check?: string }) => {
      const client = new AdminClient(options);
      const checkId = options.check ?? (await client.get<CheckReport[]>(`/api/partners/${id}/checks`))[0]?.id;
      if (!checkId) throw new Error('The partner has not been checked yet: run switchyard partner check first');
      const applied = await client.post<{ quirks: Quirks; check: CheckReport }>(`/api/partners/${id}/checks/${checkId}/quirks`, {});
      print(options, applied, () => [`Quirks now: ${JSON.stringify(applied.quirks)}`, describeCheck(applied.check)].join('\n'));
      if (applied.check.verdict === 'FAIL') process.exitCode = 1;
    });
}

/** `switchyard partner activate <id>`: activates a gated partner's routes by hand. */
export function activateCommand(): Command {
  return withClientOptions(new Command('activate'))
    .description("activate a gated partner's routes without waiting for a passing check")
    .argument('<id>', 'partner id')
    .action(async (id: string, options: ClientOptions) => {
      const partner = await new AdminClient(options).post<{ name: string; activated_at: string }>(`/api/partners/${id}/activation`, {});
      print(options, partner, () => `Routes of ${partner.name} active since ${partner.activated_at}.`);
    });
}
