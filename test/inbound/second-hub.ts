// A second hub process on the same PostgreSQL database and schema as a test's hub. Prints its URL
// on the first line of stdout and runs until stdin closes.
import { startSwitchyard } from '../../src/switchyard.js';
import { LOOPBACK_NETWORKS } from '../../src/net/outbound-guard.js';

const hub = await startSwitchyard({
  port: 0,
  host: '127.0.0.1',
  allowPartnerNetworks: LOOPBACK_NETWORKS,
  databaseUrl: process.env.DATABASE_URL,
  databaseSchema: process.env.HUB_SCHEMA,
  adminToken: 'second-hub',
});
process.stdout.write(`${hub.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void hub.close().then(() => process.exit(0));
});
