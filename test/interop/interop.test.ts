import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/ocpi/envelope.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { location, tariff, token } from '../support/fixtures.js';
import { onboard, PARTIES, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const LEGACY_EMSP = { role: 'EMSP', countryCode: 'US', partyId: 'L11', name: 'Legacy eMSP' } as const;

describe(`interoperability with real-world partners (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  let legacy: OcpiPlatform;
  beforeAll(async () => {
    net = await startRoamingNetwork();
    legacy = await OcpiPlatform.start({ name: LEGACY_EMSP.name, roles: [LEGACY_EMSP], version: '2.1.1' });
    net.partnerIds.set(LEGACY_EMSP.name, await onboard(net.hub, legacy));
  });
  afterAll(async () => {
    await legacy?.close();
    await net?.close();
  });

  const setQuirks = (name: string, quirks: Record<string, unknown>) =>
    admin(net.hub, 'PATCH', `/api/partners/${net.partnerIds.get(name)}`, { quirks });
  // Entries are written in batches: flush the writer before reading them.
  const journalOf = async (correlationId: string, direction: 'IN' | 'OUT') =>
    (await net.hub.hub.journalWriter.flush(), net.hub.hub.db.query<{ blame: string | null; error: string | null; notes: any; module: string }>(
      'SELECT blame, error, notes, module FROM journal WHERE correlation_id = $1 AND direction = $2 ORDER BY id',
      [correlationId, direction],
    ));

  describe('explicit nulls in optional fields', () => {
    const withNulls = (id: string) => ({ ...location(CP1, id), name: null, directions: null, evses: [{ ...location(CP1).evses[0], floor_level: null }] });

    it('read as absent fields by default', async () => {
      const reply = await net.cpo1.send({ method: 'PUT', url: `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/L-NULL`, body: withNulls('L-NULL') });
      expect(reply.envelope?.status_code).toBe(1000);
      const delivered = await eventually(() => net.emsp1.receivedFor('locations').find((r) => r.path === '/US/CP1/L-NULL'));
      expect(delivered.body).not.toHaveProperty('name');
      expect((delivered.body as any).evses[0]).not.toHaveProperty('floor_level');
    });

    it('refused with the JSON path at fault for a partner whose profile sets strict_nulls', async () => {
      await setQuirks(PARTIES.cpo2.name, { strict_nulls: true });
      const CP2 = { countryCode: 'CA', partyId: 'CP2' };
      const reply = await net.cpo2.send({
        method: 'PUT',
        url: `${net.cpo2.hubUrl('locations', undefined, 'RECEIVER')}/CA/CP2/L-NULL`,
        body: { ...location(CP2, 'L-NULL'), name: null },
      });
      expect(reply.envelope).toMatchObject({ status_code: 2001, status_message: expect.stringContaining('$.name') });
    });

    it('still missing when the field is required', async () => {
      const reply = await net.cpo1.send({
        method: 'PUT',
        url: `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/L-NOCITY`,
        body: { ...location(CP1, 'L-NOCITY'), city: null },
      });
      expect(reply.envelope).toMatchObject({ status_code: 2001, status_message: expect.stringContaining('$.city: is required') });
    });
  });

  describe('answers the hub relays', () => {
    const getLocation = (id: string) =>
      net.emsp1.send({ method: 'GET', url: `${net.emsp1.hubUrl('locations', undefined, 'SENDER')}/${id}`, routing: { to: CP1 } });

    it('reach the requester in spec form, and the journal says what was rewritten', async () => {
      // A CPO that wraps the object in a list, lower-cases its codes, writes nulls and local times.
      net.cpo1.handle('locations', () =>
        success([{ ...location(CP1, 'L-LOOSE'), country_code: 'us', party_id: 'cp1', name: null, last_updated: '2026-11-22T12:00:00+02:00' }]),
      );
      const reply = await getLocation('L-LOOSE');
      expect(reply.envelope?.status_code).toBe(1000);
      const data = reply.envelope?.data as any;
      expect(Array.isArray(data)).toBe(false);
      expect(data).toMatchObject({ id: 'L-LOOSE', country_code: 'US', party_id: 'CP1', last_updated: '2026-11-22T10:00:00Z' });
      expect(data).not.toHaveProperty('name');

      const [hop] = await journalOf(reply.correlationId, 'OUT');
      expect(hop.blame).toBeNull();
      expect(hop.notes.rewritten.map((r: any) => r.path)).toEqual(['$', '$.name', '$.country_code', '$.party_id', '$.last_updated']);
    });

    it('are refused with blame on the responder when invalid even in spec form', async () => {
      net.cpo1.handle('locations', () => success({ ...location(CP1, 'L-BAD'), coordinates: undefined }));
      const reply = await getLocation('L-BAD');
      expect(reply.envelope).toMatchObject({ status_code: 4000, status_message: 'Invalid answer from US*CP1: $.coordinates: is required' });
      const [hop] = await journalOf(reply.correlationId, 'OUT');
      expect(hop).toMatchObject({ blame: 'CPO', error: expect.stringContaining('Invalid answer from US*CP1') });
    });

    it('include real-time authorizations', async () => {
      const pushed = await net.emsp1.send({
        method: 'PUT',
        url: `${net.emsp1.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/TOK-LOOSE?type=RFID`,
        body: token(MS1, 'TOK-LOOSE'),
      });
      expect(pushed.envelope?.status_code).toBe(1000);
      net.emsp1.handle('tokens', () =>
        success({ allowed: 'ALLOWED', token: { ...token(MS1, 'TOK-LOOSE'), country_code: 'us', visual_number: null }, authorization_reference: null }),
      );
      const reply = await net.cpo1.send({
        method: 'POST',
        url: `${net.cpo1.hubUrl('tokens', undefined, 'SENDER')}/TOK-LOOSE/authorize?type=RFID`,
      });
      expect(reply.envelope?.status_code).toBe(1000);
      const data = reply.envelope?.data as any;
      expect(data).toMatchObject({ allowed: 'ALLOWED', token: { country_code: 'US', uid: 'TOK-LOOSE' } });
      expect(data).not.toHaveProperty('authorization_reference');
      const hops = await journalOf(reply.correlationId, 'OUT');
      expect(hops.find((h) => h.module === 'tokens')?.notes.rewritten.map((r: any) => r.path)).toEqual(
        expect.arrayContaining(['$.authorization_reference', '$.token.country_code']),
      );
    });
  });

  describe('a tariff that prices only reservations, for a 2.1.1 eMSP', () => {
    it('is left out of its GET-all with the loss journaled, never sent invalid', async () => {
      const reservationOnly = tariff(CP1, 'T-RESERVE', {
        elements: [{ price_components: [{ type: 'FLAT', price: 2, step_size: 1 }], restrictions: { reservation: 'RESERVATION' } }],
      });
      for (const body of [reservationOnly, tariff(CP1, 'T-ENERGY')]) {
        const reply = await net.cpo1.send({ method: 'PUT', url: `${net.cpo1.hubUrl('tariffs', undefined, 'RECEIVER')}/US/CP1/${body.id}`, body });
        expect(reply.envelope?.status_code).toBe(1000);
      }
      const page = await legacy.send({ method: 'GET', url: legacy.hubUrl('tariffs') });
      expect(page.envelope?.status_code).toBe(1000);
      const tariffs = page.envelope?.data as any[];
      expect(tariffs.map((t) => t.id)).toEqual(['T-ENERGY']);
      expect(tariffs.every((t) => t.elements.length > 0)).toBe(true);
      const [entry] = await journalOf(page.correlationId, 'IN');
      const index = (await net.hub.hub.db.query("SELECT 1 FROM objects WHERE module = 'tariffs' AND object_id < 'T-RESERVE'")).length;
      expect(entry.notes.losses).toContainEqual({
        path: `$[${index}]`,
        kind: 'dropped',
        reason: 'Tariff T-RESERVE prices only reservations, which OCPI 2.1.1 cannot express',
      });
      // The losses of the objects on the page name their place in it.
      expect(entry.notes.losses).toContainEqual({ path: `$[${index - 1}].type`, kind: 'dropped', reason: '2.1.1 Tariffs have no such field' });
    });

    it('is not pushed to it either: the delivery is journaled as unsupported', async () => {
      const rows = await eventually(() =>
        net.hub.hub.db
          .query<{ error: string }>(
            `SELECT error FROM journal WHERE direction = 'OUT' AND platform_id = $1 AND module = 'tariffs' AND object_id = 'T-RESERVE'`,
            [net.partnerIds.get(LEGACY_EMSP.name)],
          )
          .then((found) => found.length > 0 && found),
      );
      expect(rows[0].error).toContain('prices only reservations');
      expect(legacy.receivedFor('tariffs').some((r) => r.path.endsWith('/T-RESERVE'))).toBe(false);
    });
  });

  describe('a handshake the hub starts', () => {
    it('journals each of its calls to the partner, and the partner calls back', async () => {
      const partner = await OcpiPlatform.start({ name: 'Late CPO', roles: [{ role: 'CPO', countryCode: 'US', partyId: 'LAT', name: 'Late CPO' }] });
      try {
        const { body: invitation } = await admin(net.hub, 'POST', '/api/partners', { name: 'Late CPO' });
        const { status } = await admin(net.hub, 'POST', `/api/partners/${invitation.id}/connect`, {
          versions_url: partner.versionsUrl,
          token: partner.issueRegistrationToken(),
        });
        expect(status).toBe(200);
        await net.hub.hub.journalWriter.flush();
        const hops = await net.hub.hub.db.query<{ direction: string; method: string; url: string; module: string; http_status: number; correlation_id: string }>(
          'SELECT direction, method, url, module, http_status, correlation_id FROM journal WHERE platform_id = $1 ORDER BY id',
          [invitation.id],
        );
        const outbound = hops.filter((h) => h.direction === 'OUT').map((h) => `${h.method} ${h.url} ${h.http_status}`);
        expect(outbound).toEqual([
          `GET ${partner.versionsUrl} 200`,
          `GET ${partner.url}/2.2.1 200`,
          `POST ${partner.url}/2.2.1/credentials 200`,
        ]);
        expect(new Set(hops.filter((h) => h.direction === 'OUT').map((h) => h.correlation_id)).size).toBe(1);
        // The partner's call-backs (versions and details, with token B) are journaled too.
        const callBacks = hops.filter((h) => h.direction === 'IN').map((h) => `${h.method} ${new URL(h.url, net.hub.url).pathname} ${h.http_status}`);
        expect(callBacks).toEqual(['GET /ocpi/versions 200', 'GET /ocpi/2.2.1 200']);
      } finally {
        await partner.close();
      }
    });
  });
});
