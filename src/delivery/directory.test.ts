import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DirectoryParty, RegistrySnapshot } from '../hub/directory/snapshot.js';
import type { Platform } from '../hub/registry.js';
import type { TokenSealer } from '../hub/secrets.js';
import type { LoggedEvent } from '../store/event-log.js';
import { Snapshot } from './directory.js';

const T0 = new Date('2026-06-01T12:00:00Z').getTime();

function party(id: string, role: string, countryCode: string, partyId: string, platformId: string): DirectoryParty {
  return {
    id, role, countryCode, partyId, platformId, businessDetails: {}, status: 'CONNECTED', behindHub: null, updatedAt: new Date(T0),
    standardAgreement: true, authorizationFallback: 'DENY',
  } as DirectoryParty;
}

const platform = (id: string) => ({ id, status: 'CONNECTED', ocpiVersion: '2.2.1', sealedOutboundToken: 'sealed', quirks: {} }) as Platform;

/**
 * A registry of two CPOs and one eMSP whose agreement with the first CPO ends at `until`: the
 * rule is asked at the time of each question, as the hub's agreements are.
 */
function registryWithWindow(until: number) {
  const parties = [party('cpo-1', 'CPO', 'US', 'CP1', 'p-cpo-1'), party('cpo-2', 'CPO', 'US', 'CP2', 'p-cpo-2'), party('emsp', 'EMSP', 'US', 'MS1', 'p-emsp')];
  const asked: string[] = [];
  const registry = {
    parties,
    hubs: new Set<string>(),
    platform: (id: string) => platform(id),
    receiverUrls: () => new Map([['locations', 'http://emsp.example/ocpi/2.2.1/locations']]),
    partyById: (id: string) => parties.find((p) => p.id === id),
    findParty: (ref: { countryCode: string; partyId: string }, roles?: string[]) => {
      const found = parties.find((p) => p.countryCode === ref.countryCode && p.partyId === ref.partyId && (!roles || roles.includes(p.role)));
      return found && { id: found.id, ref, role: found.role, platformId: found.platformId, status: found.status };
    },
    agreement: (owner: { ref: { partyId: string } }) => {
      asked.push(owner.ref.partyId);
      return { allowed: owner.ref.partyId !== 'CP1' || Date.now() < until };
    },
  };
  return { registry: registry as unknown as RegistrySnapshot, asked };
}

function evseChange(seq: number, partyId: string, extra: Partial<LoggedEvent> = {}): LoggedEvent {
  return {
    seq, tx: String(1000 + seq), module: 'locations', method: 'PATCH', owner: { countryCode: 'US', partyId }, objectId: 'LOC1',
    path: `/US/${partyId}/LOC1/EVSE${seq}`, body: { status: 'CHARGING' }, coalescible: true, ...extra,
  } as LoggedEvent;
}

const sealer = { open: () => 'token' } as unknown as TokenSealer;

describe('which receivers an event goes to', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('decides each owner once for a receiver catching up, and follows an agreement that ends within a minute', () => {
    const { registry, asked } = registryWithWindow(T0 + 30_000);
    const snapshot = Snapshot.of(registry, sealer);
    const emsp = snapshot.receivers.get('emsp')!;

    const backlog = Array.from({ length: 1_000 }, (_, i) => evseChange(i, i % 2 === 0 ? 'CP1' : 'CP2'));
    expect(backlog.every((event) => snapshot.isFor(event, emsp))).toBe(true);
    expect(asked.sort()).toEqual(['CP1', 'CP2']);

    vi.setSystemTime(T0 + 61_000);
    expect(snapshot.isFor(evseChange(1_000, 'CP1'), emsp)).toBe(false);
    expect(snapshot.isFor(evseChange(1_001, 'CP2'), emsp)).toBe(true);
  });

  it('sends an event with a target to that receiver only', () => {
    const { registry } = registryWithWindow(T0 + 30_000);
    const snapshot = Snapshot.of(registry, sealer);
    const emsp = snapshot.receivers.get('emsp')!;
    const cpo = snapshot.receivers.get('cpo-2')!;
    const command = evseChange(1, 'CP1', { module: 'commands', targetParty: 'cpo-2', coalescible: false });
    expect(snapshot.isFor(command, cpo)).toBe(true);
    expect(snapshot.isFor(command, emsp)).toBe(false);
  });
});
