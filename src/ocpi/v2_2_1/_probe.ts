import { type Static } from '@sinclair/typebox';
import { PatchOf, RoleSchema, PriceSchema, OcpiResponseOf } from './types.js';
type R = Static<typeof RoleSchema>;
const r: R = 'CPO';
const P = PatchOf(PriceSchema);
type PP = Static<typeof P>;
const p: PP = { last_updated: 'x' };
const p2: PP = { last_updated: 'x', excl_vat: 1 };
// @ts-expect-error missing last_updated
const p3: PP = { excl_vat: 1 };
// @ts-expect-error bad role
const r2: R = 'FOO';
type E = Static<ReturnType<typeof OcpiResponseOf<typeof PriceSchema>>>;
const e: E = { status_code: 1000, timestamp: 'x', data: { excl_vat: 1 } };
export { r, p, p2, p3, r2, e };
