import { DiscoveryError, discoverEndpoints } from '../ocpi/discovery.js';
import { OcpiCallError } from '../ocpi/client.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import { OcpiStatus } from '../ocpi/status.js';
import type { OcpiPlatform } from './platform.js';
import type { Registration } from './registrations.js';

interface PartnerSummary {
  id: string;
  name: string;
  parties: { role: string; country_code: string; party_id: string }[];
}

/** The hub's admin API, as far as onboarding simulated partners needs it. */
export class AdminApi {
  readonly baseUrl: string;

  constructor(
    hubUrl: string,
    private readonly token: string,
  ) {
    this.baseUrl = hubUrl.replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} failed (HTTP ${response.status}): ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/**
 * Connects a simulated platform to the hub: it picks up its earlier registration when it has one
 * that still works, or else is onboarded afresh.
 */
export async function connect(
  api: AdminApi,
  platform: OcpiPlatform,
  party: PartyRef & { role: string },
  saved?: Registration,
): Promise<Registration> {
  if (saved && (await resume(api, platform, saved.token))) return { partnerId: saved.partnerId, token: platform.tokenToHub! };
  return { partnerId: await onboard(api, platform, party), token: platform.tokenToHub! };
}

/**
 * Picks up a registration the OCPI way: with the token the hub issued, the platform re-reads the
 * hub's endpoints and PUTs its credentials, which tells the hub its new URL (a restarted platform
 * listens on a new port) and rotates the tokens. Deliveries held for it meanwhile then flow again.
 */
async function resume(api: AdminApi, platform: OcpiPlatform, token: string): Promise<boolean> {
  try {
    const hub = await discoverEndpoints(`${api.baseUrl}/ocpi/versions`, token, [platform.version]);
    if ('noCommonVersion' in hub) return false;
    platform.tokenToHub = token;
    platform.hub = hub;
    const reply = await platform.updateCredentials();
    return reply.envelope?.status_code === OcpiStatus.SUCCESS;
  } catch (error) {
    // The hub no longer knows the token (another database, the partner removed): start over.
    if (error instanceof DiscoveryError || error instanceof OcpiCallError) return false;
    throw error;
  }
}

/**
 * Onboards a platform the way an operator and a partner would: the operator invites it (token A
 * and the versions URL, under the standard agreement) and the platform registers with the
 * credentials handshake. A platform of the same name left by an earlier run, holding the same
 * party or none, is removed first, or the party could not register again.
 */
async function onboard(api: AdminApi, platform: OcpiPlatform, party: PartyRef & { role: string }): Promise<string> {
  const name = platform.options.name;
  for (const stale of await api.request<PartnerSummary[]>('GET', '/api/partners?limit=500')) {
    const ours = stale.parties.every((p) => p.role === party.role && formatParty({ countryCode: p.country_code, partyId: p.party_id }) === formatParty(party));
    if (stale.name === name && ours) await api.request('DELETE', `/api/partners/${stale.id}`);
  }
  const invited = await api.request<{ id: string; token_a: string; versions_url: string }>('POST', '/api/partners', {
    name,
    standard_agreement: true,
    // 2.1.1 credentials carry no role: the operator names it.
    role: platform.version === '2.1.1' ? party.role : undefined,
  });
  const reply = await platform.register(invited.versions_url, invited.token_a);
  if (reply.envelope?.status_code !== OcpiStatus.SUCCESS) {
    throw new Error(`${name} could not register: ${reply.envelope?.status_code ?? `HTTP ${reply.httpStatus}`} ${reply.envelope?.status_message ?? ''}`);
  }
  return invited.id;
}
