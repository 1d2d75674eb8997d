import { afterEach, describe, expect, it } from 'vitest';
import { OcpiPlatform } from './platform.js';

describe('a simulated platform', () => {
  let platform: OcpiPlatform | undefined;
  afterEach(async () => {
    await platform?.close();
    platform = undefined;
  });

  it('keeps the latest requests the hub sent it, not every one', async () => {
    platform = await OcpiPlatform.start({ name: 'eMSP', roles: [{ role: 'EMSP', countryCode: 'US', partyId: 'HIS', name: 'eMSP' }], history: 3 });
    platform.tokenForHub = 'token-for-the-hub';
    for (let i = 0; i < 20; i++) {
      const answer = await fetch(`${platform.url}/2.2.1/receiver/locations/US/ABC/LOC${i}`, {
        method: 'PUT',
        headers: { authorization: 'Token token-for-the-hub', 'content-type': 'application/json' },
        body: JSON.stringify({ id: `LOC${i}` }),
      });
      expect(answer.status).toBe(200);
    }
    const latest = (ids: string[]) => {
      expect(ids.length).toBeGreaterThanOrEqual(3);
      expect(ids.length).toBeLessThan(6);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `LOC${20 - ids.length + i}`));
    };
    latest(platform.received.map((request) => request.path.split('/')[3]));
    latest(platform.calls.map((call) => call.url.split('/').at(-1)!));
  });

  it('refuses a history that is not a whole number of requests', async () => {
    for (const history of [-1, 2.5, Number.NaN]) {
      await expect(OcpiPlatform.start({ name: 'eMSP', roles: [{ role: 'EMSP', countryCode: 'US', partyId: 'HIS', name: 'eMSP' }], history })).rejects.toThrow(RangeError);
    }
  });
});
