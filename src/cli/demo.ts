import { Command } from 'commander';
import { join } from 'node:path';
import { LOOPBACK_NETWORKS } from '../net/outbound-guard.js';
import { closeOnSignal, hubOptions, startFromCli, type HubCliOptions } from './serve.js';
import { describeTraffic, reportActivity, startTraffic, trafficOptions, type TrafficCliOptions } from './sim.js';

/**
 * The hub with simulated partners roaming through it: three CPOs and two eMSPs, onboarded under
 * the standard agreement. The partners keep their registrations next to the embedded database, so
 * a restart picks them up where they were: same partners, same settings, same data.
 */
export function demoCommand(): Command {
  const command = new Command('demo').description('run the hub with three simulated CPOs and two simulated eMSPs roaming through it');
  return trafficOptions(hubOptions(command)).action(async (options: HubCliOptions & TrafficCliOptions) => {
    // The simulated partners run on this machine: the demo lets the hub call loopback addresses.
    const running = await startFromCli({ ...options, allowPartnerNetwork: [...(options.allowPartnerNetwork ?? []), ...LOOPBACK_NETWORKS] });
    const target = { hubUrl: running.url, adminToken: running.adminToken, cpos: 3, emsps: 2, stateFile: join(options.dataDir, 'demo-partners.json') };
    const simulation = await startTraffic(options, target).catch(async (error) => {
      await running.close();
      throw error;
    });
    const { publicUrl } = running.hub.config;
    console.log('Switchyard demo: the hub, with simulated partners roaming through it.');
    console.log(`  hub            ${publicUrl}  (OCPI versions: ${publicUrl}/ocpi/versions)`);
    console.log(`  admin API      ${publicUrl}/api  (docs: ${publicUrl}/api/docs)`);
    console.log(`  admin token    ${options.adminToken ? '(as configured)' : running.adminToken}`);
    console.log(`  database       ${options.databaseUrl ? 'PostgreSQL server' : `embedded, in ${options.dataDir}`}`);
    for (const line of describeTraffic(simulation, options)) console.log(line);
    console.log('What you are seeing: docs/demo.md. Ctrl-C stops everything; the data stays for the next start.');
    const stopReporting = reportActivity(simulation);
    closeOnSignal(async () => {
      stopReporting();
      await simulation.stop();
      await running.close();
    });
  });
}
