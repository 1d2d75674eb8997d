/**
 * Every parseable spec example of a translatable object goes through the translators: 2.1.1 and 2.3.0
 * examples to the canonical 2.2.1, 2.2.1 examples to 2.1.1 and 2.3.0. The result must satisfy the target
 * version's schema, and converting it back must give the example again wherever no loss was reported.
 */
import type { TSchema } from '@sinclair/typebox';
import { expect, it } from 'vitest';
import * as s211 from '../v2_1_1/index.js';
import * as s221 from '../v2_2_1/index.js';
import * as s230 from '../v2_3_0/index.js';
import { describeWithSpecExamples } from '../spec-examples.js';
import { compileValidator } from '../validation.js';
import type { Loss, TranslationContext } from './context.js';
import { differences } from './diff.js';
import { translate, type ObjectKind, type OcpiVersion, type TranslatableModule } from './dispatch.js';
import { loadExamples, testContext, type SpecExample } from './test-support.js';
import { mergeTariffPatch211, tariffFrom211 } from './v2_1_1/index.js';

type Kind = ObjectKind | 'TariffPatch';

const SCHEMAS: Record<OcpiVersion, Partial<Record<Kind, TSchema>>> = {
  '2.1.1': {
    Location: s211.LocationSchema,
    EVSE: s211.EvseSchema,
    Connector: s211.ConnectorSchema,
    LocationPatch: s211.LocationPatchSchema,
    EVSEPatch: s211.EvsePatchSchema,
    ConnectorPatch: s211.ConnectorPatchSchema,
    Tariff: s211.TariffSchema,
    Token: s211.TokenSchema,
    TokenPatch: s211.TokenPatchSchema,
    Session: s211.SessionSchema,
    SessionPatch: s211.SessionPatchSchema,
    CDR: s211.CdrSchema,
    Credentials: s211.CredentialsSchema,
  },
  '2.2.1': {
    Location: s221.LocationSchema,
    EVSE: s221.EvseSchema,
    Connector: s221.ConnectorSchema,
    LocationPatch: s221.LocationPatchSchema,
    EVSEPatch: s221.EvsePatchSchema,
    ConnectorPatch: s221.ConnectorPatchSchema,
    Tariff: s221.TariffSchema,
    // A 2.1.1 Tariff PATCH becomes a whole Tariff: the hub merges it into its copy and PUTs that.
    TariffPatch: s221.TariffSchema,
    Token: s221.TokenSchema,
    TokenPatch: s221.TokenPatchSchema,
    Session: s221.SessionSchema,
    SessionPatch: s221.SessionPatchSchema,
    CDR: s221.CdrSchema,
    Credentials: s221.CredentialsSchema,
  },
  '2.3.0': {
    Location: s230.LocationSchema,
    EVSE: s230.EvseSchema,
    Connector: s230.ConnectorSchema,
    LocationPatch: s230.LocationPatchSchema,
    EVSEPatch: s230.EvsePatchSchema,
    ConnectorPatch: s230.ConnectorPatchSchema,
    Tariff: s230.TariffSchema,
    Token: s230.TokenSchema,
    TokenPatch: s230.TokenPatchSchema,
    Session: s230.SessionSchema,
    SessionPatch: s230.SessionPatchSchema,
    CDR: s230.CdrSchema,
    Credentials: s230.CredentialsSchema,
  },
};

/**
 * Examples that break their own spec text (see the schema tests) and still do after translation, because
 * what they lack is required in the target version too.
 */
const INVALID_INPUT: Record<string, string> = {
  '2.1.1/locations__example_add_an_evse.json': 'the EVSE PUT lacks last_updated and power_type, voltage, amperage',
  '2.1.1/tariffs__example_new_tariff_2_euro_per_hour.json': 'the Tariff PUT lacks last_updated',
  '2.2.1/locations__location_put_example_add_evse.json': 'the EVSE PUT lacks power_type, max_voltage, max_amperage',
  '2.2.1/tariffs__tariff_put_example.json': 'the Tariff PUT lacks last_updated',
  '2.3.0/locations__location_put_example_add_evse.json': 'the EVSE PUT lacks power_type, max_voltage, max_amperage',
  '2.3.0/tariffs__tariff_put_example.json': 'the Tariff PUT lacks last_updated',
};

/** Where fragments (Hours, EnergyMix) are put to translate them: a minimal Location of 2.2.1 and 2.3.0. */
const HOST_LOCATION = {
  country_code: 'BE',
  party_id: 'BEC',
  id: 'HOST',
  publish: true,
  address: 'Street 1',
  city: 'Town',
  country: 'BEL',
  coordinates: { latitude: '51.047599', longitude: '3.729944' },
  time_zone: 'Europe/Brussels',
  last_updated: '2024-01-01T00:00:00Z',
};

interface Case {
  module: TranslatableModule;
  kind: Kind;
  documents: unknown[];
}

/** What to translate for an example, from INDEX.md's object type and form; a string says why nothing. */
function caseOf(example: SpecExample): Case | string {
  const patch = example.form.includes('PATCH');
  const value = example.value as Record<string, unknown>;
  switch (example.objectType) {
    case 'Location':
      return { module: 'locations', kind: patch ? 'LocationPatch' : 'Location', documents: [value] };
    case 'EVSE':
      return { module: 'locations', kind: patch ? 'EVSEPatch' : 'EVSE', documents: [value] };
    case 'Connector':
      return { module: 'locations', kind: patch ? 'ConnectorPatch' : 'Connector', documents: [value] };
    case 'Hours':
      return { module: 'locations', kind: 'Location', documents: [{ ...HOST_LOCATION, opening_times: value }] };
    case 'Hours (wrapped: {"opening_times": …})':
    case 'EnergyMix (wrapped: {"energy_mix": …})':
      return { module: 'locations', kind: 'Location', documents: [{ ...HOST_LOCATION, ...value }] };
    case 'Tariff':
      // Only 2.1.1 has one: the "change tariff" example under its PATCH heading.
      if (example.form.startsWith('partial object')) {
        return { module: 'tariffs', kind: 'TariffPatch', documents: [value] };
      }
      return { module: 'tariffs', kind: 'Tariff', documents: [value] };
    case 'Token':
      if (example.form === 'response envelope') return { module: 'tokens', kind: 'Token', documents: [value.data] };
      return { module: 'tokens', kind: patch ? 'TokenPatch' : 'Token', documents: [value] };
    case 'list of Token':
      return { module: 'tokens', kind: 'Token', documents: value.data as unknown[] };
    case 'Session':
      return { module: 'sessions', kind: patch ? 'SessionPatch' : 'Session', documents: [value] };
    case 'CDR':
      return { module: 'cdrs', kind: 'CDR', documents: [value] };
    case 'Credentials':
      return { module: 'credentials', kind: 'Credentials', documents: [value] };
    default:
      return `${example.objectType} is not translated (version information is per version; DisplayText is the same ` +
        'in all versions; Payments and Bookings have no 2.2.1 counterpart)';
  }
}

const examples221 = loadExamples('2.2.1');
const storedLocations = examples221
  .filter((example) => example.file === 'locations__location_example.json')
  .map((example) => example.value as s221.Location);
const storedTokens = examples221
  .filter((example) => example.objectType === 'Token' && example.form.startsWith('bare object'))
  .map((example) => example.value as s221.Token);

/** The object's own owner, as the hub takes it from the URL; BE/BEC for objects without one. */
function contextFor(document: unknown): TranslationContext {
  const { country_code, party_id } = (document ?? {}) as { country_code?: string; party_id?: string };
  const owner = country_code && party_id ? { countryCode: country_code, partyId: party_id } : undefined;
  return testContext({ owner, locations: storedLocations, tokens: storedTokens });
}

function run(
  { module, kind }: Case,
  from: OcpiVersion,
  to: OcpiVersion,
  document: unknown,
  ctx: TranslationContext,
): { value: unknown; losses: Loss[] } {
  if (kind === 'TariffPatch') {
    const simple = exampleValue<s211.Tariff>('2.1.1', 'tariffs__simple_tariff_example_2_euro_per_hour.json');
    const stored = tariffFrom211(simple, ctx).value;
    return mergeTariffPatch211(stored, document as s211.TariffPatch, ctx);
  }
  return translate(module, kind as ObjectKind<typeof module>, from, to, document, ctx);
}

function exampleValue<T>(version: OcpiVersion, file: string): T {
  return loadExamples(version).find((example) => example.file === file)?.value as T;
}

/** The differences no reported loss accounts for. A dropped array element shifts the later ones. */
function unreported(original: unknown, back: unknown, losses: Loss[]): string[] {
  const within = (inner: string, outer: string) =>
    inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return differences(original, back).filter(
    (path) =>
      !losses.some((loss) => {
        const array = loss.path.replace(/\[\d+\]$/, '');
        const shifted = array !== loss.path && path.startsWith(`${array}[`);
        return within(path, loss.path) || within(loss.path, path) || shifted;
      }),
  );
}

function checkTranslations(from: OcpiVersion, targets: OcpiVersion[]) {
  describeWithSpecExamples(`OCPI ${from} spec examples`, () => {
    let translated = 0;
    for (const example of loadExamples(from)) {
      if (example.value === undefined) continue;
      const testCase = caseOf(example);
      if (typeof testCase === 'string') continue;
      const invalidInput = INVALID_INPUT[`${from}/${example.file}`];

      testCase.documents.forEach((document, index) => {
        const label = testCase.documents.length > 1 ? `${example.file} [${index}]` : example.file;
        for (const to of targets) {
          if (testCase.kind === 'TariffPatch' && to !== '2.2.1') continue;
          translated++;
          it(`${label}: ${testCase.kind} ${from} → ${to} ${invalidInput ? 'stays invalid' : 'validates'}`, () => {
            const ctx = contextFor(document);
            const result = run(testCase, from, to, document, ctx);
            const validation = compileValidator(SCHEMAS[to][testCase.kind] as TSchema)(result.value);
            if (invalidInput) expect(validation.ok).toBe(false);
            else expect(validation, JSON.stringify(result.losses, null, 2)).toMatchObject({ ok: true });
          });
          if (testCase.kind === 'TariffPatch') continue;

          it(`${label}: ${from} → ${to} → ${from} gives it back, but for the reported losses`, () => {
            const ctx = contextFor(document);
            const there = run(testCase, from, to, document, ctx);
            const back = run(testCase, to, from, there.value, ctx);
            if (there.losses.length === 0) expect(back.value).toEqual(document);
            // Only the first step's losses count: the way back must not hide what the way there dropped.
            expect(unreported(document, back.value, there.losses)).toEqual([]);
          });
        }
      });
    }

    it('translates some examples at all', () => {
      expect(translated).toBeGreaterThan(10);
    });
  });
}

checkTranslations('2.1.1', ['2.2.1']);
checkTranslations('2.3.0', ['2.2.1']);
checkTranslations('2.2.1', ['2.1.1', '2.3.0']);
