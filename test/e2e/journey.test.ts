import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHOLE_DATA } from '../../src/hub/objects.js';
import { compileValidator } from '../../src/ocpi/validation.js';
import { CdrSchema, LocationSchema, SessionSchema, TariffSchema, TokenSchema } from '../../src/ocpi/v2_2_1/index.js';
import type { ChargingSession } from '../../src/sim/charging.js';
import type { SimCpo } from '../../src/sim/cpo.js';
import type { Driver } from '../../src/sim/drivers.js';
import type { IssuedCommand, SimEmsp } from '../../src/sim/emsp.js';
import { priceSession } from '../../src/sim/pricing.js';
import { FAILURES, Simulation } from '../../src/sim/runner.js';
import { getClearingCdr } from '../../src/clearing/cdr-records.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, deliveriesSettled, eventually, startTestHub } from '../support/hub.js';
import { FAST_DELIVERY } from '../support/network.js';

// Whole simulations (hub, partners, onboarding, traffic) on a loaded 2-core machine: events are awaited up to this long.
const LOADED_MACHINE_MS = 120_000;

/** The partners' clock: it moves only when the test says, so meter readings are repeatable. */
class ManualClock {
  private at = Math.floor(Date.now() / 1000) * 1000;
  readonly now = () => new Date(this.at);
  advance(seconds: number): void {
    this.at += seconds * 1000;
  }
}

const valid = (schema: Parameters<typeof compileValidator>[0], value: unknown) => {
  const result = compileValidator(schema)(value);
  expect(result.ok ? 'valid' : `${result.path}: ${result.message}`).toBe('valid');
};

interface JournalRow {
  direction: 'IN' | 'OUT';
  from_party: string | null;
  to_party: string | null;
  module: string | null;
  method: string;
  http_status: number | null;
  ocpi_status: number | null;
}

describe(`a roaming journey through simulated partners (${databaseLabel})`, () => {
  const clock = new ManualClock();
  let hub: RunningHub;
  let sim: Simulation;
  let cpo: SimCpo;
  let emsp: SimEmsp;
  let tapped: ChargingSession;
  let started: IssuedCommand;
  let appSession: ChargingSession;

  beforeAll(async () => {
    hub = await startTestHub({ delivery: FAST_DELIVERY });
    sim = await Simulation.start({
      hubUrl: hub.url,
      adminToken: hub.adminToken,
      cpos: 1,
      emsps: 1,
      locations: 3,
      drivers: 16,
      seed: 7,
      traffic: false,
      commandDelayMs: 20,
      runId: 'J1',
      now: clock.now,
    });
    [cpo] = sim.cpos;
    [emsp] = sim.emsps;
  });
  afterAll(async () => {
    await sim?.stop();
    await hub?.close();
  });

  const journal = async (correlationId: string) => {
    // Journal entries are written in batches: flush what was recorded so far.
    await hub.hub.journalWriter.flush();
    return hub.hub.db.query<JournalRow>(
      'SELECT direction, from_party, to_party, module, method, http_status, ocpi_status FROM journal WHERE correlation_id = $1 ORDER BY id',
      [correlationId],
    );
  };
  const stored = async (module: string) =>
    new Map(
      (await hub.hub.db.query<{ country_code: string; party_id: string; object_id: string; data: any }>(
        // Locations as readers see them: with their EVSE rows (objects.WHOLE_DATA).
        `SELECT country_code, party_id, object_id, ${WHOLE_DATA} AS data FROM objects o WHERE module = $1 AND NOT deleted`,
        [module],
      )).map((row) => [`${row.country_code}*${row.party_id}/${row.object_id}`, row.data]),
    );
  const driver = (test: (d: Driver) => boolean) => {
    const found = emsp.drivers.find(test);
    if (!found) throw new Error('The seed gave no such driver');
    return found;
  };

  it('onboards both partners, which publish valid tokens, tariffs and locations through the hub', async () => {
    expect([...sim.partnerIds.keys()]).toEqual([cpo.name, emsp.name]);
    for (const token of emsp.tokens) valid(TokenSchema, token);
    for (const tariff of cpo.tariffs.values()) valid(TariffSchema, tariff);
    for (const location of cpo.locations.values()) valid(LocationSchema, location);

    await eventually(() => cpo.tokens.size === emsp.tokens.length, 10_000, 'the CPO to get every token');
    await eventually(() => emsp.locations.size === 3 && emsp.tariffs.size === 2, 10_000, 'the eMSP to get locations and tariffs');
    expect(sim.tally.get('pushes.refused')).toBe(0);
  });

  it('authorizes an RFID tap in real time through the hub and starts the session', async () => {
    const card = driver((d) => d.status === 'ACTIVE' && !!d.rfid && d.rfid.whitelist !== 'ALWAYS').rfid!;
    const outcome = await cpo.tap({ uid: card.uid });
    expect(outcome).toMatchObject({ allowed: 'ALLOWED', rule: 'AUTH_REQUEST' });
    tapped = outcome!.session!;
    expect(tapped.session.auth_method).toBe('AUTH_REQUEST');
    expect(tapped.session.authorization_reference).toBeTruthy();
    valid(SessionSchema, tapped.session);
    await eventually(() => emsp.sessions.get(`US*VST/${tapped.id}`.toUpperCase()), 10_000, 'the eMSP to get the session');
  });

  it('refuses blocked and unknown cards', async () => {
    const blocked = driver((d) => d.status !== 'ACTIVE' && !!d.rfid && d.rfid.whitelist !== 'ALWAYS');
    expect(await cpo.tap({ uid: blocked.rfid!.uid })).toMatchObject({ allowed: blocked.status, rule: 'REFUSED' });
    expect(await cpo.tap({ uid: '0A0B0C0D0E0F99' })).toMatchObject({ rule: 'REFUSED' });
    // Addressed to the eMSP, a card it never issued gets its own answer: HTTP 404 with 2004.
    const reply = await cpo.platform.send({
      method: 'POST',
      url: `${cpo.platform.hubUrl('tokens', undefined, 'SENDER')}/0A0B0C0D0E0F99/authorize?type=RFID`,
      body: { location_id: [...cpo.locations.keys()][0] },
      routing: { from: cpo.party, to: emsp.party },
    });
    expect(reply.envelope?.status_code).toBe(2004);
    const [out] = (await journal(reply.correlationId)).filter((r) => r.direction === 'OUT');
    expect(out).toMatchObject({ to_party: 'US*DRV', http_status: 404, ocpi_status: 2004 });
  });

  it('starts a session from the app with START_SESSION, and the CPO posts the result', async () => {
    const user = driver((d) => d.status === 'ACTIVE' && !!d.app);
    started = (await emsp.startAppSession(user))!;
    expect(started.response).toMatchObject({ result: 'ACCEPTED' });
    await eventually(() => started.result, 10_000, 'the START_SESSION result');
    expect(started.result).toEqual({ result: 'ACCEPTED' });
    const session = await eventually(() => [...emsp.sessions.values()].find((s) => s.authorization_reference === started.id), 10_000, 'the app session');
    expect(session).toMatchObject({ auth_method: 'COMMAND', status: 'ACTIVE', cdr_token: { uid: user.app!.uid, type: 'APP_USER' } });
    appSession = cpo.sessions.get(session.id)!;
  });

  it('meters both sessions into charging periods the eMSP receives', async () => {
    for (let i = 0; i < 2; i++) {
      clock.advance(60);
      await cpo.advance();
    }
    for (const charging of [tapped, appSession]) {
      const key = `US*VST/${charging.id}`.toUpperCase();
      const seen = await eventually(() => emsp.sessions.get(key)?.charging_periods?.length === 2 && emsp.sessions.get(key), 10_000, 'two periods');
      expect(seen.kwh).toBeGreaterThan(0);
      expect(seen.total_cost).toEqual(charging.cost().total);
    }
  });

  it('stops the app session with STOP_SESSION and sends a CDR priced by its own tariff', async () => {
    clock.advance(30);
    const stop = await emsp.stopAppSession(appSession.session);
    expect(stop.response).toMatchObject({ result: 'ACCEPTED' });
    await eventually(() => stop.result, 10_000, 'the STOP_SESSION result');
    expect(stop.result).toEqual({ result: 'ACCEPTED' });
    clock.advance(45);
    await cpo.end(tapped);

    for (const charging of [appSession, tapped]) {
      const cdr = await eventually(() => emsp.cdrs.get(`US*VST/${charging.id}`.toUpperCase()), 10_000, 'the CDR');
      valid(CdrSchema, cdr);
      expect(cdr.session_id).toBe(charging.id);
      expect(cdr.charging_periods).toEqual(charging.periods);
      const cost = priceSession(charging.tariff, cdr.charging_periods, { start: new Date(cdr.start_date_time), timeZone: charging.location.time_zone });
      expect(cdr.total_cost).toEqual(cost.total);
      // The hub's audit prices it the same way.
      const audited = await eventually(async () => {
        const record = await getClearingCdr(hub.hub.db, { countryCode: 'US', partyId: 'VST' }, charging.id);
        return record?.auditedAt && record;
      }, 15_000, 'the audit of the CDR');
      expect({ status: audited.status, divergences: audited.divergences }).toEqual({ status: 'ACCEPTED', divergences: [] });
      expect(emsp.sessions.get(`US*VST/${charging.id}`.toUpperCase())?.status).toBe('COMPLETED');
    }
  });

  it("keeps the eMSP's and the CPO's views in agreement with the hub's store", async () => {
    await deliveriesSettled(hub);
    const locations = await stored('locations');
    expect(locations.size).toBe(3);
    for (const [key, location] of locations) expect(emsp.locations.get(key)).toEqual(location);
    for (const [key, location] of locations) {
      expect(cpo.locations.get(key.split('/')[1])).toEqual(location);
      for (const evse of location.evses) expect(emsp.statuses.get(`${key}/${evse.uid}`)).toBe(evse.status);
    }
    const sessions = await stored('sessions');
    for (const charging of [tapped, appSession]) {
      const key = `US*VST/${charging.id}`.toUpperCase();
      expect(emsp.sessions.get(key)).toEqual(sessions.get(key));
      expect(charging.session).toEqual(sessions.get(key));
    }
    const cdrs = await stored('cdrs');
    for (const charging of [tapped, appSession]) {
      expect(emsp.cdrs.get(`US*VST/${charging.id}`.toUpperCase())).toEqual(cdrs.get(`US*VST/${charging.id}`.toUpperCase()));
    }
    const tokens = await stored('tokens');
    expect(tokens.size).toBe(emsp.tokens.length);
    for (const token of tokens.values()) {
      expect(cpo.tokens.get(`${token.country_code}*${token.party_id}:${token.type}:${token.uid}`.toUpperCase())).toEqual(token);
    }
    // The results the CPO posted are the results the eMSP got back.
    const sent = cpo.commandResults.map((r) => `${r.command} ${r.result.result}`).sort();
    const received = [...emsp.commands.values()].map((c) => `${c.type} ${c.result?.result}`).sort();
    expect(received).toEqual(sent);
    expect(sent).toEqual(['START_SESSION ACCEPTED', 'STOP_SESSION ACCEPTED']);
  });

  it('journals every hop of the app session under its correlation ids', async () => {
    const hops = async (correlationId: string) =>
      (await journal(correlationId)).map((r) => `${r.direction} ${r.method} ${r.from_party} > ${r.to_party} ${r.ocpi_status}`);

    // A command's whole story shares one correlation id: eMSP → hub → CPO, then the result CPO → hub → eMSP.
    const stop = [...emsp.commands.values()].find((c) => c.type === 'STOP_SESSION')!;
    for (const command of [started, stop]) {
      expect(await hops(command.hop.correlationId)).toEqual(
        expect.arrayContaining([
          'IN POST US*DRV > US*VST 1000',
          'OUT POST US*DRV > US*VST 1000',
          'IN POST US*VST > US*DRV 1000',
          'OUT POST US*VST > US*DRV 1000',
        ]),
      );
    }
    expect(cpo.commandResults.map((r) => r.hop.correlationId)).toEqual([started.hop.correlationId, stop.hop.correlationId]);

    // Each push of the session went in from the CPO and out to the driver's eMSP.
    expect(appSession.hops.map((h) => h.step)).toEqual(['session PUT', 'session PATCH', 'session PATCH', 'session COMPLETED', 'CDR POST']);
    for (const hop of appSession.hops) {
      const method = hop.step === 'session PUT' ? 'PUT' : hop.step === 'CDR POST' ? 'POST' : 'PATCH';
      expect(await hops(hop.correlationId)).toEqual(
        expect.arrayContaining([`IN ${method} US*VST > US*DRV 1000`, `OUT ${method} US*VST > US*DRV 1000`]),
      );
    }

    // The real-time authorization of the tapped card went to the eMSP and back.
    const authorize = tapped.hops.find((h) => h.step === 'authorize')!;
    expect(await hops(authorize.correlationId)).toEqual(
      expect.arrayContaining(['IN POST US*VST > US*DRV 1000', 'OUT POST US*VST > US*DRV 1000']),
    );
  });
});

describe(`roaming traffic with failing partners (${databaseLabel})`, () => {
  it('keeps roaming with a slow, an absent, a rejecting, a malformed and a mispricing partner, and stops cleanly', async () => {
    const hub = await startTestHub({ delivery: FAST_DELIVERY, authorizationTimeoutMs: 300 });
    try {
      const sim = await Simulation.start({
        hubUrl: hub.url,
        adminToken: hub.adminToken,
        cpos: 2,
        emsps: 2,
        locations: 4,
        drivers: 12,
        seed: 3,
        sessionsPerMinute: 300,
        tickMs: 200,
        commandDelayMs: 20,
        slowMs: 600,
        failures: [...FAILURES],
      });
      await eventually(
        () =>
          sim.tally.get('results.accepted') >= 4 &&
          sim.tally.get('cdrs') >= 2 &&
          sim.tally.get('malformed.refused') >= 2 &&
          sim.tally.get('tokens.rejected') >= 1 &&
          sim.tally.get('absence.down') >= 1,
        LOADED_MACHINE_MS,
        `traffic with every failure (so far: ${sim.summary()})`,
      );
      await sim.stop();
      expect(sim.tally.get('errors')).toBe(0);
      expect(sim.tally.get('malformed.accepted')).toBe(0);

      // Stopping ends every session with its CDR, and the hub has them all.
      const sessions = sim.cpos.flatMap((c) => [...c.sessions.values()]);
      expect(sessions.every((s) => s.phase === 'ENDED' && s.cdr)).toBe(true);
      const [{ cdrs }] = await hub.hub.db.query<{ cdrs: number }>("SELECT count(*)::int AS cdrs FROM objects WHERE module = 'cdrs'");
      expect(cdrs).toBe(sessions.length);
      // The audit flags exactly the CDRs the mispricing CPO overcharged, and accepts every other.
      const audits = await eventually(async () => {
        const rows = await hub.hub.db.query<{ status: string; divergences: string[]; overcharge: string | null }>(
          `SELECT status, divergences, (claimed_total_excl - computed_total_excl)::text AS overcharge FROM clearing_cdrs`,
        );
        return rows.length === sessions.length && rows.every((r) => r.status !== 'RECEIVED') && rows;
      }, 20_000, 'every CDR audited');
      const flagged = audits.filter((r) => r.status === 'FLAGGED');
      expect(flagged.length).toBe(sim.tally.get('cdrs.mispriced'));
      // The CPO rounds each dimension to cents, the hub keeps 4 decimals: the overcharge is 1.00 give or take that.
      expect(flagged.every((r) => r.divergences.includes('TOTAL_COST') && Math.abs(Number(r.overcharge) - 1) <= 0.02)).toBe(true);
      // Malformed pushes were refused with 2001 and journaled as the sender's fault.
      await hub.hub.journalWriter.flush();
      const refused = await hub.hub.db.query<{ blame: string }>("SELECT blame FROM journal WHERE direction = 'IN' AND ocpi_status = 2001");
      expect(refused.length).toBeGreaterThanOrEqual(2);
    } finally {
      await hub.close();
    }
  }, LOADED_MACHINE_MS * 3);
});

describe(`a restarted simulation (${databaseLabel})`, () => {
  it('picks up its registrations: the same partners at new URLs, and what the hub held for them meanwhile', async () => {
    const hub = await startTestHub({ delivery: FAST_DELIVERY });
    const stateFile = join(await mkdtemp(join(tmpdir(), 'switchyard-sim-')), 'partners.json');
    const options = { hubUrl: hub.url, adminToken: hub.adminToken, cpos: 1, emsps: 1, locations: 2, drivers: 8, traffic: false, stateFile };
    try {
      const first = await Simulation.start({ ...options, runId: 'R1' });
      await eventually(() => first.cpos[0].tokens.size > 0, LOADED_MACHINE_MS, 'tokens at the CPO');
      const card = first.emsps[0].drivers.find((d) => d.status === 'ACTIVE' && d.rfid)!.rfid!;
      const tapped = (await first.cpos[0].tap({ uid: card.uid }))!.session!;
      // The eMSP goes away before the CPO ends the session: the hub holds the CDR for it.
      first.emsps[0].platform.available = false;
      await first.stop();

      const second = await Simulation.start({ ...options, runId: 'R2' });
      try {
        expect([...second.partnerIds.values()]).toEqual([...first.partnerIds.values()]);
        // A delivery that failed against the old address may mark the eMSP OFFLINE a moment after it
        // registered again; the next delivery to its new address brings it back.
        const partners = await eventually(async () => {
          const listed = (await admin(hub, 'GET', '/api/partners')).body as { status: string; endpoints: { url: string }[] }[];
          return listed.every((p) => p.status === 'CONNECTED') && listed;
        }, LOADED_MACHINE_MS, 'both partners CONNECTED');
        expect(partners).toHaveLength(2);
        const urls = partners.flatMap((p) => p.endpoints.map((e) => e.url));
        expect(urls.every((url) => url.startsWith(second.cpos[0].platform.url) || url.startsWith(second.emsps[0].platform.url))).toBe(true);
        await eventually(() => second.emsps[0].cdrs.get(`US*VST/${tapped.id}`.toUpperCase()), LOADED_MACHINE_MS, 'the CDR held while the eMSP was away');
      } finally {
        await second.stop();
      }
    } finally {
      await hub.close();
    }
  }, LOADED_MACHINE_MS * 3);
});
