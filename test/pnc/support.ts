import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpcpClient } from '../../src/sim/opcp-client.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin } from '../support/hub.js';

/**
 * A hub, four partners onboarded through the handshake and a whole PKI take a few seconds alone,
 * but minutes on a shared machine under load.
 */
export const SETUP_TIMEOUT_MS = 180_000;

/** Client credentials for a registered party, through the admin API, as an OPCP client. */
export async function opcpClient(hub: RunningHub, party: string, role: 'CPO' | 'EMSP', providerIds?: string[]): Promise<OpcpClient> {
  const { status, body } = await admin(hub, 'POST', '/api/pnc/clients', { party, role, provider_ids: providerIds });
  if (status !== 201) throw new Error(`No client for ${party}: ${JSON.stringify(body)}`);
  return new OpcpClient(hub.url, body.client_id, body.client_secret);
}

/** The operator's call to the root pool (admin bearer token). */
export async function addTrustedRoot(hub: RunningHub, base64: string, rootType: string) {
  const response = await fetch(`${hub.url}/opcp/v1/root/rootCerts`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${hub.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ caCertificate: base64, rootType }),
  });
  return { status: response.status, body: await response.json() };
}

/** A test PKI whose V2G and OEM roots the hub trusts. */
export async function trustedPki(hub: RunningHub): Promise<Pki> {
  const pki = await createPki();
  for (const [root, type] of [[pki.v2gRoot, 'V2G'], [pki.oemRoot, 'OEM']] as const) {
    const { status } = await addTrustedRoot(hub, root.base64, type);
    if (status !== 200) throw new Error(`The hub refused the ${type} root`);
  }
  return pki;
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver that answers each POST with the next status of `statuses` (then 200). */
export async function webhookReceiver(statuses: number[] = []) {
  const received: ReceivedHook[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = statuses.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
