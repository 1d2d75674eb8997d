import { Command } from 'commander';
import { join } from 'node:path';
import { createAccount, setPassword } from '../hub/accounts/accounts.js';
import { generatePassword } from '../hub/accounts/passwords.js';
import { LOOPBACK_NETWORKS } from '../net/outbound-guard.js';
import { settlePeriod } from '../clearing/settlement/run.js';
import type { Database, Queryable } from '../store/database.js';
import { closeOnSignal, hubOptions, startFromCli, type HubCliOptions } from './serve.js';
import { describeTraffic, reportActivity, startTraffic, trafficOptions, type TrafficCliOptions } from './sim.js';

/**
 * The hub with simulated partners roaming through it: three CPOs and two eMSPs, onboarded under
 * the standard agreement. The partners keep their registrations next to the embedded database, so
 * a restart picks them up where they were: same partners, same settings, same data.
 */
export function demoCommand(): Command {
  const command = new Command('demo').description('run the hub with three simulated CPOs and two simulated eMSPs roaming through it');
  // The demo's admin API stays on this machine unless --host says otherwise; its output tells the
  // story, so the hub logs only errors (the refusals it stages are in the journal and the console).
  return trafficOptions(hubOptions(command, { host: '127.0.0.1', logLevel: 'error' })).action(async (options: HubCliOptions & TrafficCliOptions) => {
    console.log('Switchyard demo: the hub, with simulated partners roaming through it.');
    console.log(`  starting the hub on the ${options.databaseUrl ? 'PostgreSQL server' : `embedded database in ${options.dataDir}`}…`);
    // The simulated partners run on this machine: the demo lets the hub call loopback addresses.
    const running = await startFromCli({ ...options, allowPartnerNetwork: [...(options.allowPartnerNetwork ?? []), ...LOOPBACK_NETWORKS] });
    const { publicUrl } = running.hub.config;
    console.log(`  hub            ${publicUrl}  (OCPI versions: ${publicUrl}/ocpi/versions)`);
    console.log(`  admin API      ${publicUrl}/api  (docs: ${publicUrl}/api/docs)`);
    console.log(`  admin token    ${options.adminToken ? '(as configured)' : `${running.adminToken}  (kept in the database)`}`);
    console.log('Onboarding the simulated partners (the first start takes longer: every partner registers):');
    const target = {
      hubUrl: running.url,
      adminToken: running.adminToken,
      cpos: 3,
      emsps: 2,
      stateFile: join(options.dataDir, 'demo-partners.json'),
      progress: (line: string) => console.log(`  ${line}…`),
    };
    const simulation = await startTraffic(options, target).catch(async (error) => {
      await running.close();
      throw error;
    });
    const login = await demoLogin(running.hub.db);
    console.log(`  console        ${publicUrl}/  (login ${login.username} / ${login.password})`);
    console.log('Roaming:');
    for (const line of describeTraffic(simulation, options)) console.log(line);
    console.log('  settlement     the current month is settled every minute: its statements show here once the first CDRs are in');
    console.log('What you are seeing: docs/demo.md. Ctrl-C stops everything; the data stays for the next start.');
    const stopReporting = reportActivity(simulation);
    const stopSettling = settleNowAndThen(running.hub.db, publicUrl, running.adminToken);
    closeOnSignal(async () => {
      stopReporting();
      await stopSettling();
      await simulation.stop();
      await running.close();
    });
  });
}

/**
 * Settles the current month every minute, so that the demo's CDRs show on statements (a run of a
 * few hundred CDRs takes milliseconds). Says where to see the statements when there are new ones.
 */
function settleNowAndThen(db: Database, publicUrl: string, adminToken: string, everyMs = 60_000): () => Promise<void> {
  let shown = 0;
  let running: Promise<unknown> = Promise.resolve();
  const settle = () => {
    const period = new Date().toISOString().slice(0, 7);
    running = settlePeriod(db, period)
      .then((result) => {
        if (result.statements <= shown) return;
        shown = result.statements;
        console.log(`[${new Date().toLocaleTimeString()}] settled ${period}: ${result.statements} statements of ${result.lines} CDRs so far (settled again every minute)`);
        console.log(`  statements     ${publicUrl}/#/clearing  (console: Clearing, Statements, with CSV and PDF)`);
        console.log(`                 npx switchyard statements list --period ${period} --hub-url ${publicUrl} --admin-token ${adminToken}`);
      })
      .catch((error: Error) => console.log(`  settlement of ${period} did not run: ${error.message}`));
  };
  const timer = setInterval(settle, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** The demo's console login: an admin account with a fresh password at every start. */
async function demoLogin(db: Queryable): Promise<{ username: string; password: string }> {
  const username = 'admin';
  const password = generatePassword();
  if (!(await setPassword(db, username, password))) await createAccount(db, { username, password, role: 'admin' });
  return { username, password };
}
