import { describe, expect, it } from 'vitest';
import * as v221 from '../v2_2_1/index.js';
import { compileValidator } from '../validation.js';
import * as v230 from './index.js';

const connector = {
  id: '1',
  standard: 'X_VENDOR_PLUG',
  format: 'CABLE',
  power_type: 'DC',
  max_voltage: 920,
  max_amperage: 400,
  capabilities: ['ISO_15118_20_PLUG_AND_CHARGE', 'X_BIDIRECTIONAL'],
  last_updated: '2025-01-01T00:00:00Z',
};

describe('OCPI 2.3.0 schemas', () => {
  it('accept values an OpenEnum does not list, where 2.2.1 rejects them', () => {
    expect(compileValidator(v230.ConnectorSchema)(connector)).toMatchObject({ ok: true });
    expect(compileValidator(v221.ConnectorSchema)(connector)).toMatchObject({ ok: false, path: '$.standard' });
    const token = { type: 'EMAID', uid: 'NLTNMC12345678', contract_id: 'NL-TNM-C12345678-X' };
    expect(compileValidator(v230.PublishTokenTypeSchema)(token)).toMatchObject({ ok: true });
  });

  it('still reject non-strings and closed enums', () => {
    expect(compileValidator(v230.ConnectorSchema)({ ...connector, standard: 7 })).toMatchObject({
      ok: false,
      path: '$.standard',
      message: 'must be a string',
    });
    expect(compileValidator(v230.TariffSchema)({ ...tariff(), tax_included: 'MAYBE' })).toMatchObject({
      ok: false,
      path: '$.tax_included',
      message: 'must be one of YES, NO, N/A',
    });
  });

  it('have no HUB role any more', () => {
    const role = { role: 'HUB', business_details: { name: 'Hub' }, party_id: 'HUB', country_code: 'NL' };
    expect(compileValidator(v221.CredentialsRoleSchema)(role)).toMatchObject({ ok: true });
    expect(compileValidator(v230.CredentialsRoleSchema)(role)).toMatchObject({ ok: false, path: '$.role' });
  });

  it('use the 2.3.0 Price: before_taxes and tax lines', () => {
    const price = { before_taxes: 1, taxes: [{ name: 'VAT', percentage: 21, amount: 0.21 }] };
    expect(compileValidator(v230.PriceSchema)(price)).toMatchObject({ ok: true });
    expect(compileValidator(v230.PriceSchema)({ excl_vat: 1 })).toMatchObject({ ok: false, path: '$.before_taxes' });
  });
});

function tariff() {
  return {
    country_code: 'NL',
    party_id: 'ABC',
    id: 'T1',
    currency: 'EUR',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] }],
    tax_included: 'NO',
    last_updated: '2025-01-01T00:00:00Z',
  };
}
