import { describe, expect, it } from 'vitest';
import * as v211 from '../../v2_1_1/index.js';
import * as v221 from '../../v2_2_1/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, testContext } from '../test-support.js';
import {
  commandResponseFrom211,
  commandResponseTo211,
  commandResultFrom211,
  commandResultTo211,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  reserveNowFrom211,
  reserveNowTo211,
  startSessionFrom211,
  startSessionTo211,
  stopSessionFrom211,
  unlockConnectorTo211,
} from './commands.js';
import { tokenTo211 } from './tokens.js';

// No spec version has JSON examples for commands; these fixtures follow the object tables.
const emsp = testContext({ owner: { countryCode: 'NL', partyId: 'TNM' } });
const token211 = tokenTo211(fixtures.token(), emsp).value;
const responseUrl = 'https://emsp.example.com/ocpi/2.1.1/commands/START_SESSION/42';

describe('StartSession', () => {
  it('from 2.1.1 gets the 2.2.1 Token', () => {
    const command: v211.StartSession = { response_url: responseUrl, token: token211, location_id: 'LOC-1', evse_uid: 'EVSE-1' };
    const { value, losses } = startSessionFrom211(command, emsp);
    expect(value).toEqual({ ...command, token: fixtures.token() });
    expect(losses).toEqual([]);
    expect(compileValidator(v221.StartSessionSchema)(value)).toMatchObject({ ok: true });
  });

  it('to 2.1.1 loses connector_id and authorization_reference', () => {
    const command: v221.StartSession = {
      response_url: responseUrl,
      token: fixtures.token({ type: 'AD_HOC_USER' }),
      location_id: 'LOC-1',
      evse_uid: 'EVSE-1',
      connector_id: '2',
      authorization_reference: 'AUTH-1',
    };
    const { value, losses } = startSessionTo211(command, emsp);
    const token = { ...token211, type: 'OTHER' };
    expect(value).toEqual({ response_url: responseUrl, token, location_id: 'LOC-1', evse_uid: 'EVSE-1' });
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'dropped $.connector_id',
      'dropped $.authorization_reference',
      'approximated $.token.type',
    ]);
    expect(compileValidator(v211.StartSessionSchema)(value)).toMatchObject({ ok: true });
  });
});

describe('ReserveNow', () => {
  const reserve211: v211.ReserveNow = {
    response_url: responseUrl,
    token: token211,
    expiry_date: '2024-01-01T12:00:00Z',
    reservation_id: 1234,
    location_id: 'LOC-1',
  };

  it('carries the integer reservation_id as a string, and back', () => {
    const canonical = reserveNowFrom211(reserve211, emsp);
    expect(canonical.value.reservation_id).toBe('1234');
    expect(compileValidator(v221.ReserveNowSchema)(canonical.value)).toMatchObject({ ok: true });
    expect(reserveNowTo211(canonical.value, emsp)).toEqual({ value: reserve211, losses: [] });
  });

  it('sends a non-numeric reservation_id as a stable hash, approximated', () => {
    const command = { ...reserveNowFrom211(reserve211, emsp).value, reservation_id: 'b3c1e2f0-uuid' };
    const first = reserveNowTo211(command, emsp);
    expect(first.value.reservation_id).toEqual(reserveNowTo211(command, emsp).value.reservation_id);
    expect(Number.isInteger(first.value.reservation_id) && first.value.reservation_id >= 0).toBe(true);
    expect(first.losses).toEqual([{ path: '$.reservation_id', kind: 'approximated', reason: expect.any(String) }]);
    expect(reserveNowTo211({ ...command, reservation_id: '007' }, emsp).losses).toHaveLength(1);
  });
});

describe('CommandResponse (the immediate answer)', () => {
  it('from 2.1.1 gets the timeout 2.2.1 requires, defaulted; TIMEOUT becomes REJECTED', () => {
    expect(commandResponseFrom211({ result: 'ACCEPTED' }, emsp)).toEqual({
      value: { result: 'ACCEPTED', timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS },
      losses: [{ path: '$.timeout', kind: 'defaulted', reason: expect.any(String) }],
    });
    const timeout = commandResponseFrom211({ result: 'TIMEOUT' }, emsp);
    expect(timeout.value.result).toBe('REJECTED');
    expect(timeout.losses.map((loss) => loss.path)).toEqual(['$.timeout', '$.result']);
  });

  it('to 2.1.1 loses timeout and message', () => {
    const { value, losses } = commandResponseTo211(
      { result: 'REJECTED', timeout: 30, message: [{ language: 'en', text: 'EVSE occupied' }] },
      emsp,
    );
    expect(value).toEqual({ result: 'REJECTED' });
    expect(losses.map((loss) => loss.path)).toEqual(['$.timeout', '$.message']);
  });
});

describe('CommandResult (the asynchronous result)', () => {
  it('from a 2.1.1 CommandResponse keeps the shared values; UNKNOWN_SESSION becomes REJECTED', () => {
    expect(commandResultFrom211({ result: 'TIMEOUT' }, emsp)).toEqual({ value: { result: 'TIMEOUT' }, losses: [] });
    const unknown = commandResultFrom211({ result: 'UNKNOWN_SESSION' }, emsp);
    expect(unknown.value).toEqual({ result: 'REJECTED' });
    expect(unknown.losses).toEqual([{ path: '$.result', kind: 'approximated', reason: expect.any(String) }]);
  });

  it('to 2.1.1 maps the results 2.1.1 lacks to REJECTED', () => {
    expect(commandResultTo211({ result: 'NOT_SUPPORTED' }, emsp)).toEqual({ value: { result: 'NOT_SUPPORTED' }, losses: [] });
    const occupied = commandResultTo211({ result: 'EVSE_OCCUPIED', message: [{ language: 'en', text: 'busy' }] }, emsp);
    expect(occupied.value).toEqual({ result: 'REJECTED' });
    expect(occupied.losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual(['approximated $.result', 'dropped $.message']);
  });
});

describe('StopSession and UnlockConnector', () => {
  it('are the same in both versions', () => {
    const stop = { response_url: responseUrl, session_id: 'S1' };
    expect(stopSessionFrom211(stop, emsp)).toEqual({ value: stop, losses: [] });
    const unlock = { response_url: responseUrl, location_id: 'L', evse_uid: 'E', connector_id: '1' };
    expect(unlockConnectorTo211(unlock, emsp)).toEqual({ value: unlock, losses: [] });
  });
});
