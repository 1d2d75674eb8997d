/**
 * Test support, for the schema and translation tests only: the spec's example documents (found as
 * `../spec-examples.ts` says) with what INDEX.md says about each of them, and a translation context
 * over in-memory stores.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { specExamplesFolder, specExamplesPresent } from '../spec-examples.js';
import type { Connector, Evse, Location, Session, Tariff, Token } from '../v2_2_1/index.js';
import type { PartyRef, TranslationContext } from './context.js';

export type SpecVersion = '2.1.1' | '2.2.1' | '2.3.0';

const examplesRoot = specExamplesFolder;

export interface SpecExample {
  file: string;
  /** The parsed document, or undefined when the file is not valid JSON. */
  value: unknown;
  /** INDEX.md's "object type" column, e.g. `EVSE`, `list of Token`. */
  objectType: string;
  /** INDEX.md's "form" column, e.g. `partial object (PATCH body)`. */
  form: string;
}

/** The examples of one version; none when the folder is absent (their tests are skipped then). */
export function loadExamples(version: SpecVersion): SpecExample[] {
  if (!specExamplesPresent) return [];
  const folder = path.join(examplesRoot, version);
  const index = indexRows(version);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const row = index.get(file);
      if (!row) throw new Error(`${version}/${file} is not in INDEX.md`);
      return { file, value: parse(path.join(folder, file)), ...row };
    });
}

/** The files UNPARSEABLE.txt lists for this version. */
export function unparseableFiles(version: SpecVersion): string[] {
  return readFileSync(path.join(examplesRoot, 'UNPARSEABLE.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${version}/`))
    .map((line) => line.split('\t')[0].slice(version.length + 1))
    .sort();
}

function parse(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The rows of INDEX.md's table for one version: file → object type and form. */
function indexRows(version: SpecVersion): Map<string, { objectType: string; form: string }> {
  const text = readFileSync(path.join(examplesRoot, 'INDEX.md'), 'utf8');
  const section = text.split(`\n## ${version}\n`)[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, { objectType: string; form: string }>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const file = /^`(.+\.json)`$/.exec(cells[1] ?? '')?.[1];
    if (file) rows.set(file, { objectType: cells[3], form: cells[4] });
  }
  return rows;
}

/** The fixed "now" of test contexts. */
export const TEST_NOW = '2024-01-01T00:00:00Z';

export interface TestStores {
  owner?: PartyRef;
  locations?: Location[];
  tokens?: Token[];
  tariffs?: Tariff[];
  timeZone?: string;
  authorizeRequest?: TranslationContext['authorizeRequest'];
}

/** A context backed by the given objects (matched as the hub would: ids compared case-insensitively). */
export function testContext(stores: TestStores = {}): TranslationContext {
  const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
  return {
    owner: stores.owner ?? { countryCode: 'BE', partyId: 'BEC' },
    findLocation: (id) => stores.locations?.find((location) => same(location.id, id)),
    findToken: (uid, type) =>
      stores.tokens?.find((token) => same(token.uid, uid) && (type === undefined || token.type === type)),
    findTokenByContractId: (contractId) => stores.tokens?.find((token) => same(token.contract_id, contractId)),
    findTariff: (id) => stores.tariffs?.find((tariff) => same(tariff.id, id)),
    timeZoneFor: () => stores.timeZone,
    authorizeRequest: stores.authorizeRequest,
    now: () => TEST_NOW,
  };
}

/** Canonical (2.2.1) fixtures of our own, for the unit tests; each call returns fresh objects. */
export const fixtures = {
  connector(overrides: Partial<Connector> = {}): Connector {
    return {
      id: '1',
      standard: 'IEC_62196_T2',
      format: 'SOCKET',
      power_type: 'AC_3_PHASE',
      max_voltage: 230,
      max_amperage: 16,
      tariff_ids: ['T1'],
      last_updated: '2024-01-01T10:00:00Z',
      ...overrides,
    };
  },
  evse(overrides: Partial<Evse> = {}): Evse {
    return {
      uid: 'EVSE-1',
      evse_id: 'BE*BEC*E1',
      status: 'AVAILABLE',
      connectors: [fixtures.connector()],
      last_updated: '2024-01-01T10:00:00Z',
      ...overrides,
    };
  },
  location(overrides: Partial<Location> = {}): Location {
    return {
      country_code: 'BE',
      party_id: 'BEC',
      id: 'LOC-1',
      publish: true,
      address: 'Main Street 1',
      city: 'Gent',
      postal_code: '9000',
      country: 'BEL',
      coordinates: { latitude: '51.047599', longitude: '3.729944' },
      parking_type: 'ON_STREET',
      evses: [fixtures.evse()],
      time_zone: 'Europe/Brussels',
      last_updated: '2024-01-01T10:00:00Z',
      ...overrides,
    };
  },
  token(overrides: Partial<Token> = {}): Token {
    return {
      country_code: 'NL',
      party_id: 'TNM',
      uid: '012345678',
      type: 'RFID',
      contract_id: 'NL-TNM-C12345678-X',
      issuer: 'TheNewMotion',
      valid: true,
      whitelist: 'ALLOWED',
      last_updated: '2024-01-01T10:00:00Z',
      ...overrides,
    };
  },
  tariff(overrides: Partial<Tariff> = {}): Tariff {
    return {
      country_code: 'BE',
      party_id: 'BEC',
      id: 'T1',
      currency: 'EUR',
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] }],
      last_updated: '2024-01-01T10:00:00Z',
      ...overrides,
    };
  },
  session(overrides: Partial<Session> = {}): Session {
    return {
      country_code: 'BE',
      party_id: 'BEC',
      id: 'S1',
      start_date_time: '2024-01-01T10:00:00Z',
      kwh: 1.5,
      cdr_token: {
        country_code: 'NL',
        party_id: 'TNM',
        uid: '012345678',
        type: 'RFID',
        contract_id: 'NL-TNM-C12345678-X',
      },
      auth_method: 'WHITELIST',
      location_id: 'LOC-1',
      evse_uid: 'EVSE-1',
      connector_id: '1',
      currency: 'EUR',
      status: 'ACTIVE',
      last_updated: '2024-01-01T10:05:00Z',
      ...overrides,
    };
  },
};
