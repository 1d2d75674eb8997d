import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOcpi } from '../../src/ocpi/client.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, startTestHub } from '../support/hub.js';
import { onboard } from '../support/network.js';
import { announceChange } from '../../src/hub/directory/changes.js';

describe(`request budgets, lockout and token expiry (${databaseLabel})`, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let partnerId: string;
  beforeAll(async () => {
    hub = await startTestHub({ admission: { failedAuthBudget: { perSecond: 0.001, burst: 3 } } });
    cpo = await OcpiPlatform.start({ name: 'Volt Street', roles: [{ role: 'CPO', countryCode: 'US', partyId: 'CP1', name: 'Volt Street' }] });
    partnerId = await onboard(hub, cpo);
  });
  afterAll(async () => {
    await cpo.close();
    await hub.close();
  });

  it('pages the partner list with a total', async () => {
    for (const name of ['P2', 'P3']) await admin(hub, 'POST', '/api/partners', { name });
    const response = await fetch(`${hub.url}/api/partners?limit=2`, { headers: { Authorization: `Bearer ${hub.adminToken}` } });
    const page = (await response.json()) as { name: string }[];
    expect(page.map((p) => p.name)).toEqual(['Volt Street', 'P2']);
    expect(response.headers.get('x-total-count')).toBe('3');
    expect(response.headers.get('link')).toBe('</api/partners?offset=2&limit=2>; rel="next"');
    const rest = await admin(hub, 'GET', '/api/partners?limit=2&offset=2');
    expect(rest.body.map((p: { name: string }) => p.name)).toEqual(['P3']);
  });

  it('expires token A: 7 days by default, or as the invitation says', async () => {
    const { body: byDefault } = await admin(hub, 'POST', '/api/partners', { name: 'Week' });
    const week = Date.parse(byDefault.expires_at) - Date.now();
    expect(week).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(week).toBeLessThanOrEqual(7 * 86_400_000);
    const { body: invitation } = await admin(hub, 'POST', '/api/partners', { name: 'Late', expires_in: 3600 });
    expect(Date.parse(invitation.expires_at) - Date.now()).toBeLessThanOrEqual(3_600_000);
    // An hour later (the clock moved in the database, where the expiry is checked):
    await hub.hub.db.query(`UPDATE platform_tokens SET expires_at = now() - interval '1 second' WHERE platform_id = $1`, [invitation.id]);
    await announceChange(hub.hub.db);
    const late = await OcpiPlatform.start({ name: 'Late', roles: [{ role: 'CPO', countryCode: 'US', partyId: 'LAT', name: 'Late' }] });
    await expect(late.register(invitation.versions_url, invitation.token_a)).rejects.toThrow();
    const versions = await callOcpi({ method: 'GET', url: invitation.versions_url, token: invitation.token_a });
    expect(versions.httpStatus).toBe(401);
    await late.close();
  });

  it("answers 429 with Retry-After once a partner's budget is spent", async () => {
    const set = await admin(hub, 'PUT', `/api/partners/${partnerId}/security`, { rate_limit: { per_second: 0.01, burst: 3 }, client_certificate: null });
    expect(set.status).toBe(200);
    const url = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/NOPE`;
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await cpo.send({ method: 'GET', url }));
    expect(replies.map((r) => r.httpStatus)).toEqual([404, 404, 404, 429]);
    expect(Number(replies[3].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(replies[3].envelope?.status_message).toMatch(/Request budget of 0.01\/s exceeded/);
    await admin(hub, 'PUT', `/api/partners/${partnerId}/security`, { rate_limit: null, client_certificate: null });
  });

  it('locks out a source address after too many wrong tokens, OCPI and admin alike', async () => {
    const versionsUrl = `${hub.url}/ocpi/versions`;
    // The budget is 3 failures; the expired token A above already spent some of it.
    const statuses: number[] = [];
    while (statuses.length < 5 && statuses.at(-1) !== 429) {
      statuses.push((await callOcpi({ method: 'GET', url: versionsUrl, token: `wrong-${statuses.length}` })).httpStatus);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.length).toBeLessThanOrEqual(4);
    // Locked out: even a right token from this address waits, and so does the admin token.
    const right = await cpo.send({ method: 'GET', url: versionsUrl });
    expect(right.httpStatus).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(1);
    const adminReply = await fetch(`${hub.url}/api/partners`, { headers: { Authorization: 'Bearer wrong' } });
    expect(adminReply.status).toBe(429);
    expect(adminReply.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
