import { describe, expect, it } from 'vitest';
import * as v230 from '../../v2_3_0/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, testContext } from '../test-support.js';
import { sessionFrom230, sessionPatchTo230, sessionTo230 } from './sessions.js';

const ctx = testContext();

describe('Sessions 2.3.0 ⇄ 2.2.1', () => {
  it('sum the tax lines into incl_vat, and make one VAT line on the way back', () => {
    const { total_cost, ...base } = fixtures.session();
    const session: v230.Session = {
      ...base,
      total_cost: { before_taxes: 10, taxes: [{ name: 'GST', amount: 0.5 }, { name: 'PST', amount: 0.7 }] },
    };
    const canonical = sessionFrom230(session, ctx);
    expect(canonical.value.total_cost).toEqual({ excl_vat: 10, incl_vat: 11.2 });
    expect(canonical.losses).toEqual([{ path: '$.total_cost.taxes', kind: 'approximated', reason: expect.any(String) }]);
    const back = sessionTo230(canonical.value, ctx);
    expect(back.value.total_cost).toEqual({ before_taxes: 10, taxes: [{ name: 'VAT', amount: 1.2 }] });
    expect(back.losses).toEqual([{ path: '$.total_cost.incl_vat', kind: 'approximated', reason: expect.any(String) }]);
    expect(compileValidator(v230.SessionSchema)(back.value)).toMatchObject({ ok: true });
  });

  it('map the cdr_token type EMAID to OTHER', () => {
    const base = sessionTo230(fixtures.session(), ctx).value;
    const session: v230.Session = { ...base, cdr_token: { ...base.cdr_token, type: 'EMAID' } };
    const { value, losses } = sessionFrom230(session, ctx);
    expect(value.cdr_token.type).toBe('OTHER');
    expect(losses).toEqual([{ path: '$.cdr_token.type', kind: 'approximated', reason: expect.any(String) }]);
  });

  it('PATCH bodies convert only what they carry', () => {
    expect(sessionPatchTo230({ kwh: 2, last_updated: '2024-01-01T10:10:00Z' }, ctx)).toEqual({
      value: { kwh: 2, last_updated: '2024-01-01T10:10:00Z' },
      losses: [],
    });
  });
});
