/**
 * Settlement versus a bare GROUP BY: the same generated CDRs (one month, 20 CPOs × 50 eMSPs, USD
 * and CAD, some disputed, written off or credited, taxes per line) settled into statements, and
 * summed by a plain GROUP BY over the same rows, in the same run. Then the time to render PDF
 * invoices of those statements. Memory is sampled throughout: the run streams, it never loads
 * the CDRs.
 *
 *   DATABASE_URL=postgres://… npm run bench -- settlement [--cdrs 1000000 --pdfs 1000]
 *   npm run bench -- settlement --cdrs 20000 --pdfs 50        (a quick run)
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { statementPdf } from '../src/clearing/invoices/pdf.js';
import { settlePeriod } from '../src/clearing/settlement/run.js';
import { listStatements } from '../src/clearing/settlement/statements.js';
import { saveTerms } from '../src/clearing/settlement/terms.js';
import { migrate } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/database.js';
import { isolatedDatabase } from '../test/support/hub.js';

const { values } = parseArgs({ options: { cdrs: { type: 'string', default: '1000000' }, pdfs: { type: 'string', default: '1000' } } });
const cdrCount = Number(values.cdrs);
const pdfCount = Number(values.pdfs);

const isolated = await isolatedDatabase();
const db = await openDatabase({ databaseUrl: isolated.options.databaseUrl, schema: isolated.options.databaseSchema });
await migrate(db);
await saveTerms(db, { cpo: null, emsp: null, cadence: 'MONTHLY', timeZone: 'America/Toronto', billing: 'DIRECT', paymentTermsDays: 30, hubIssuesInvoices: false });

// Generated in the database, in batches: CPO i % 20 (even CPOs bill in CAD with HST or GST+QST),
// eMSP i % 50; 2 % disputed, 1 % written off, 1 % credits of the CDR before them.
const BATCH = 100_000;
let generated = performance.now();
for (let from = 0; from < cdrCount; from += BATCH) {
  await db.query(
    `INSERT INTO settlement_cdrs (owner_country, owner_party, cdr_id, emsp_country, emsp_party, currency, session_id,
       start_at, end_at, time_zone, evse_uid, city, state, country, contract_id, tariff_id, energy_kwh, charging_minutes,
       idle_minutes, energy_cost, claimed_total, computed_total, taxes, tax_total, status, credit_of)
     SELECT CASE WHEN i % 2 = 0 THEN 'CA' ELSE 'US' END, 'C' || lpad((i % 20)::text, 2, '0'), 'CDR-' || i,
       'US', 'M' || lpad(((i / 20) % 50)::text, 2, '0'), CASE WHEN i % 2 = 0 THEN 'CAD' ELSE 'USD' END, 'S-' || i,
       timestamptz '2026-11-01 06:00:00+00' + (i % 2500000) * interval '1 second',
       timestamptz '2026-11-01 06:40:00+00' + (i % 2500000) * interval '1 second',
       'America/Toronto', 'EVSE-' || (i % 997), 'Toronto', CASE WHEN i % 4 = 0 THEN 'QC' ELSE 'ON' END, 'CAN', 'C-' || (i % 5000), 'T1',
       24.5, 40, 0, sign(amount) * 9.80, amount, amount,
       CASE WHEN i % 2 = 1 THEN '[]'::jsonb
            WHEN i % 4 = 0 THEN jsonb_build_array(jsonb_build_object('name', 'GST', 'percentage', '5', 'amount', round(amount * 0.05, 2)::text),
                                                  jsonb_build_object('name', 'QST', 'percentage', '9.975', 'amount', round(amount * 0.09975, 2)::text))
            ELSE jsonb_build_array(jsonb_build_object('name', 'HST', 'percentage', '13', 'amount', round(amount * 0.13, 2)::text)) END,
       CASE WHEN i % 2 = 1 THEN 0 WHEN i % 4 = 0 THEN round(amount * 0.05, 2) + round(amount * 0.09975, 2) ELSE round(amount * 0.13, 2) END,
       CASE WHEN i % 50 = 7 THEN 'DISPUTED' WHEN i % 100 = 11 THEN 'WRITTEN_OFF' ELSE 'APPROVED' END,
       CASE WHEN i % 100 = 99 THEN 'CDR-' || (i - 1) END
     FROM (SELECT i, CASE WHEN i % 100 = 99 THEN -12.34 ELSE 12.34 END AS amount FROM generate_series($1::int, $2::int) AS i) g`,
    [from, Math.min(from + BATCH, cdrCount) - 1],
  );
}
await db.query('ANALYZE settlement_cdrs');
generated = performance.now() - generated;

/** Peak resident memory while `work` runs, sampled every 50 ms. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - started, peakRssMb: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

const baseline = await measured(() =>
  db.query(
    `SELECT owner_country, owner_party, emsp_country, emsp_party, currency, status, count(*), sum(claimed_total), sum(tax_total), sum(energy_kwh)
     FROM settlement_cdrs GROUP BY owner_country, owner_party, emsp_country, emsp_party, currency, status`,
  ),
);
const rssBefore = Math.round(process.memoryUsage().rss / 2 ** 20);
let step = { name: 'starting', started: performance.now() };
const stepTimes: string[] = [];
const settled = await measured(() =>
  settlePeriod(db, '2026-11', (progress) => {
    stepTimes.push(`${step.name} ${((performance.now() - step.started) / 1000).toFixed(2)} s`);
    step = { name: progress.step, started: performance.now() };
  }),
);
const rerun = await measured(() => settlePeriod(db, '2026-11'));

const statements = (await listStatements(db, { period: '2026-11' })).slice(0, pdfCount);
const pdfs = await measured(async () => {
  let bytes = 0;
  for (const statement of statements) bytes += (await statementPdf(db, statement)).length;
  return bytes;
});

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`settlement benchmark on ${db.engine}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
console.log(`  ${cdrCount.toLocaleString('en-US')} CDRs generated in ${seconds(generated)}`);
console.log(`  bare GROUP BY over them:    ${seconds(baseline.ms)}  (${baseline.result.length} groups)`);
console.log(
  `  settlement run:             ${seconds(settled.ms)}  (${settled.result.statements} statements, ${settled.result.lines.toLocaleString('en-US')} lines)` +
    `  ratio ${(settled.ms / baseline.ms).toFixed(2)} × the GROUP BY (target ≤ 3)`,
);
console.log(`  steps: ${stepTimes.join(', ')}`);
console.log(`  re-run of the open period:  ${seconds(rerun.ms)}  ratio ${(rerun.ms / baseline.ms).toFixed(2)}`);
console.log(`  memory: ${rssBefore} MiB resident before the run, peak ${settled.peakRssMb} MiB during it`);
console.log(
  `  ${statements.length} PDF invoices (${Math.round(cdrCount / Math.max(settled.result.statements, 1))} CDR rows each): ${seconds(pdfs.ms)},` +
    ` ${(pdfs.ms / Math.max(statements.length, 1)).toFixed(0)} ms each, ${Math.round(pdfs.result / 2 ** 20)} MiB in all, peak ${pdfs.peakRssMb} MiB`,
);

await db.close();
await isolated.drop();
