import { describe, expect, it } from 'vitest';
import { isTransit, neighbourHubs, spoofedSender, type PartyPlace } from './rules.js';

const LOCAL = 'platform-local';
const HUB_B = 'platform-hub-b';
const HUB_C = 'platform-hub-c';

const place = (platformId: string, role: string, behindHub: PartyPlace['behindHub'] = null, status = 'CONNECTED'): PartyPlace => ({
  platformId,
  role,
  behindHub,
  status,
});

/** A hub with a local CPO, and two neighbours: B with an eMSP behind it, C with a CPO behind it. */
const parties = [
  place(LOCAL, 'CPO'),
  place(HUB_B, 'HUB'),
  place(HUB_B, 'EMSP', 'CLIENT_INFO'),
  place(HUB_C, 'HUB'),
  place(HUB_C, 'CPO', 'OPERATOR'),
];
const hubs = neighbourHubs(parties);
const MS9 = { countryCode: 'CA', partyId: 'MS9' };

describe('peering: which platforms are neighbouring hubs', () => {
  it('is the platforms that declared role HUB themselves', () => {
    expect([...hubs].sort()).toEqual([HUB_B, HUB_C]);
    // A HUB a neighbour lists behind it makes no platform a hub.
    expect(neighbourHubs([place(LOCAL, 'HUB', 'CLIENT_INFO')]).size).toBe(0);
  });
});

describe('peering: the hub relays between its own parties and neighbours, never across two neighbours', () => {
  it('lets a local party and a party behind a neighbour exchange, both ways', () => {
    expect(isTransit(LOCAL, HUB_B, hubs)).toBe(false);
    expect(isTransit(HUB_B, LOCAL, hubs)).toBe(false);
    expect(isTransit(LOCAL, LOCAL, hubs)).toBe(false);
  });

  it('refuses a message from behind one neighbour to behind another', () => {
    expect(isTransit(HUB_B, HUB_C, hubs)).toBe(true);
  });
});

describe('peering: who a neighbouring hub may send as', () => {
  it('accepts a party known behind that neighbour', () => {
    expect(spoofedSender(MS9, HUB_B, [place(HUB_B, 'EMSP', 'CLIENT_INFO')], hubs)).toBeUndefined();
  });

  it('requires the OCPI-from headers', () => {
    expect(spoofedSender(undefined, HUB_B, [], hubs)).toMatch(/must name the sending party in OCPI-from/);
  });

  it('refuses a local party as spoofed', () => {
    expect(spoofedSender(MS9, HUB_B, [place(LOCAL, 'EMSP')], hubs)).toBe(
      'CA*MS9 is a party of this hub, not one behind yours: a message from your hub cannot come from it',
    );
  });

  it('refuses a party behind another neighbour as spoofed', () => {
    expect(spoofedSender(MS9, HUB_B, [place(HUB_C, 'EMSP', 'CLIENT_INFO')], hubs)).toMatch(/reached through another hub, not yours/);
  });

  it('refuses a party it does not know, and one SUSPENDED behind that neighbour', () => {
    expect(spoofedSender(MS9, HUB_B, [], hubs)).toMatch(/not known behind your hub: announce it with hubclientinfo/);
    expect(spoofedSender(MS9, HUB_B, [place(HUB_B, 'EMSP', 'CLIENT_INFO', 'SUSPENDED')], hubs)).toMatch(/SUSPENDED behind your hub/);
  });
});
