import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { startTestHub } from '../support/hub.js';
import { onboard } from '../support/network.js';

export const CPO = { countryCode: 'US', partyId: 'CP1' };
export const EMSP = { countryCode: 'US', partyId: 'MS1' };

export interface HubWithPair {
  hub: RunningHub;
  cpo: OcpiPlatform;
  emsp: OcpiPlatform;
  close(): Promise<void>;
}

/** A test hub with one CPO (US*CP1) and one eMSP (US*MS1), onboarded under the standard agreement. */
export async function startHubWithPair(): Promise<HubWithPair> {
  const hub = await startTestHub();
  const cpo = await OcpiPlatform.start({ name: 'Volt Street', roles: [{ role: 'CPO', ...CPO, name: 'Volt Street' }] });
  const emsp = await OcpiPlatform.start({ name: 'DriveOn', roles: [{ role: 'EMSP', ...EMSP, name: 'DriveOn' }] });
  await onboard(hub, cpo);
  await onboard(hub, emsp);
  return {
    hub,
    cpo,
    emsp,
    async close() {
      await Promise.all([cpo.close(), emsp.close()]);
      await hub.close();
    },
  };
}
