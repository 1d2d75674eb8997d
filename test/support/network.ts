import { OcpiPlatform, type PlatformOptions } from '../../src/sim/platform.js';
import type { RunningHub, SwitchyardOptions } from '../../src/switchyard.js';
import { admin, startTestHub } from './hub.js';

/** A hub with two CPO and two eMSP platforms, each onboarded through the real handshake. */
export interface RoamingNetwork {
  hub: RunningHub;
  cpo1: OcpiPlatform;
  cpo2: OcpiPlatform;
  emsp1: OcpiPlatform;
  emsp2: OcpiPlatform;
  /** Partner ids in the admin API, by platform name. */
  partnerIds: Map<string, string>;
  close(): Promise<void>;
}

export const PARTIES = {
  cpo1: { role: 'CPO', countryCode: 'US', partyId: 'CP1', name: 'Volt Street' },
  cpo2: { role: 'CPO', countryCode: 'CA', partyId: 'CP2', name: 'Maple Charge' },
  emsp1: { role: 'EMSP', countryCode: 'US', partyId: 'MS1', name: 'DriveOn' },
  emsp2: { role: 'EMSP', countryCode: 'CA', partyId: 'MS2', name: 'Northern Roam' },
} as const;

/** Fast retries so that outage tests finish in seconds. */
export const FAST_DELIVERY = { baseDelayMs: 50, maxDelayMs: 400, pollIntervalMs: 50, quietCursorWriteMs: 200 };

export async function onboard(hub: RunningHub, platform: OcpiPlatform, standardAgreement = true, invitation: { gated?: boolean } = {}): Promise<string> {
  // A 2.1.1 platform's credentials name no role: the operator gives it at invitation.
  const role = platform.version === '2.1.1' ? platform.options.roles[0].role : undefined;
  const { body } = await admin(hub, 'POST', '/api/partners', { name: platform.options.name, standard_agreement: standardAgreement, role, ...invitation });
  const reply = await platform.register(body.versions_url, body.token_a);
  if (reply.envelope?.status_code !== 1000) throw new Error(`Onboarding ${platform.options.name} failed: ${JSON.stringify(reply.envelope)}`);
  return body.id;
}

export async function startRoamingNetwork(
  options: SwitchyardOptions = {},
  platformOptions: Partial<Record<keyof typeof PARTIES, Partial<PlatformOptions>>> = {},
): Promise<RoamingNetwork> {
  const hub = await startTestHub({ delivery: FAST_DELIVERY, ...options });
  const start = (key: keyof typeof PARTIES) =>
    OcpiPlatform.start({ name: PARTIES[key].name, roles: [PARTIES[key]], ...platformOptions[key] });
  const [cpo1, cpo2, emsp1, emsp2] = await Promise.all([start('cpo1'), start('cpo2'), start('emsp1'), start('emsp2')]);
  const partnerIds = new Map<string, string>();
  for (const platform of [cpo1, cpo2, emsp1, emsp2]) partnerIds.set(platform.options.name, await onboard(hub, platform));
  return {
    hub,
    cpo1,
    cpo2,
    emsp1,
    emsp2,
    partnerIds,
    async close() {
      await Promise.all([cpo1, cpo2, emsp1, emsp2].map((p) => p.close()));
      await hub.close();
    },
  };
}

/**
 * A module handler that answers a GET-all page as OCPI paginates it (X-Total-Count, X-Limit), with
 * the envelope timestamp given (a zoneless one makes a partner that writes times without a zone).
 */
export function pagedAnswer(data: unknown[], timestamp = new Date().toISOString()) {
  return (_request: unknown, reply: { headers(values: Record<string, string>): unknown }) => {
    reply.headers({ 'X-Total-Count': String(data.length), 'X-Limit': '50' });
    return { status_code: 1000, data, timestamp };
  };
}
