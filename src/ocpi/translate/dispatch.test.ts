import { describe, expect, it } from 'vitest';
import * as v211 from '../v2_1_1/index.js';
import * as v230 from '../v2_3_0/index.js';
import { compileValidator } from '../validation.js';
import { translate, UnsupportedTranslationError } from './dispatch.js';
import { fixtures, testContext } from './test-support.js';

const emsp = testContext({ owner: { countryCode: 'NL', partyId: 'TNM' } });

describe('translate', () => {
  it('is the identity for the same version: the value itself, no losses', () => {
    const token = { ...fixtures.token(), x_custom: 1 };
    for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
      const result = translate('tokens', 'Token', version, version, token, emsp);
      expect(result.value).toBe(token);
      expect(result.losses).toEqual([]);
    }
  });

  it('goes from 2.1.1 to 2.3.0 through the canonical 2.2.1 object, keeping unknown fields', () => {
    const plain = translate('tokens', 'Token', '2.2.1', '2.1.1', fixtures.token(), emsp).value as object;
    const token211 = { ...plain, x_custom: 1 };
    const { value, losses } = translate('tokens', 'Token', '2.1.1', '2.3.0', token211, emsp);
    expect(value).toEqual({ ...fixtures.token(), x_custom: 1 });
    expect(losses).toEqual([]);
    expect(compileValidator(v230.TokenSchema)(value)).toMatchObject({ ok: true });
  });

  it('reports the losses of both steps, 2.3.0 → 2.2.1 → 2.1.1', () => {
    const { min_price, max_price, ...canonical } = fixtures.tariff({
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.3025, vat: 21, step_size: 1 }] }],
    });
    const tariff: v230.Tariff = { ...canonical, tax_included: 'YES' };
    const { value, losses } = translate('tariffs', 'Tariff', '2.3.0', '2.1.1', tariff, testContext());
    expect(value).toMatchObject({ elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] }] });
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'approximated $.elements[0].price_components[0].price',
      'dropped $.elements[0].price_components[0].vat',
    ]);
    expect(compileValidator(v211.TariffSchema)(value)).toMatchObject({ ok: true });
  });

  it('turns a 2.1.1 CommandResponse into a 2.3.0 one with the defaulted timeout', () => {
    const { value, losses } = translate('commands', 'CommandResponse', '2.1.1', '2.3.0', { result: 'ACCEPTED' }, emsp);
    expect(value).toEqual({ result: 'ACCEPTED', timeout: 60 });
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual(['defaulted $.timeout']);
  });

  it('throws for an object kind a version does not have', () => {
    const cancel = { response_url: 'https://emsp.example.com/r', reservation_id: 'R1' };
    expect(translate('commands', 'CancelReservation', '2.2.1', '2.3.0', cancel, emsp).value).toEqual(cancel);
    expect(() => translate('commands', 'CancelReservation', '2.2.1', '2.1.1', cancel, emsp)).toThrow(
      UnsupportedTranslationError,
    );
    expect(() => translate('commands', 'CancelReservation', '2.1.1', '2.3.0', cancel, emsp)).toThrow(
      'CancelReservation does not exist in OCPI 2.1.1',
    );
  });
});
