/** CDRs module (mod_cdrs.asciidoc): 2.3.0 changed only types it uses (Price, ConnectorType, Tariff). */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/cdrs.js';
import { ConnectorTypeSchema } from './locations.js';
import { CdrTokenSchema } from './sessions.js';
import { TariffSchema } from './tariffs.js';
import { PriceSchema, SignedPriceSchema } from './types.js';

export { SignedDataSchema, type SignedData, SignedValueSchema, type SignedValue } from '../v2_2_1/cdrs.js';

export const CdrLocationSchema = Type.Object({
  ...v221.CdrLocationSchema.properties,
  connector_standard: ConnectorTypeSchema,
});
export type CdrLocation = Static<typeof CdrLocationSchema>;

export const CdrSchema = Type.Object({
  ...v221.CdrSchema.properties,
  cdr_token: CdrTokenSchema,
  cdr_location: CdrLocationSchema,
  tariffs: Type.Optional(Type.Array(TariffSchema)),
  total_cost: SignedPriceSchema,
  total_fixed_cost: Type.Optional(PriceSchema),
  total_energy_cost: Type.Optional(PriceSchema),
  total_time_cost: Type.Optional(PriceSchema),
  total_parking_cost: Type.Optional(PriceSchema),
  total_reservation_cost: Type.Optional(PriceSchema),
});
export type Cdr = Static<typeof CdrSchema>;
