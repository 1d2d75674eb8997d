/** CDRs module (mod_cdrs.asciidoc). CDRs cannot be PATCHed, so there is no patch schema. */
import { Type, type Static } from '@sinclair/typebox';
import { ConnectorFormatSchema, ConnectorTypeSchema, PowerTypeSchema } from './locations.js';
import { AuthMethodSchema, CdrTokenSchema, ChargingPeriodSchema } from './sessions.js';
import { TariffSchema } from './tariffs.js';
import {
  CiString,
  DateTimeSchema,
  GeoLocationSchema,
  OcpiString,
  PriceSchema,
  Quantity,
  LIMITS,
  SignedPriceSchema,
  ObjectId,
} from './types.js';

export const CdrLocationSchema = Type.Object({
  id: ObjectId(36),
  name: Type.Optional(OcpiString(255)),
  address: OcpiString(45),
  city: OcpiString(45),
  postal_code: Type.Optional(OcpiString(10)),
  state: Type.Optional(OcpiString(20)),
  country: OcpiString(3),
  coordinates: GeoLocationSchema,
  evse_uid: ObjectId(36),
  evse_id: CiString(48),
  connector_id: ObjectId(36),
  connector_standard: ConnectorTypeSchema,
  connector_format: ConnectorFormatSchema,
  connector_power_type: PowerTypeSchema,
});
export type CdrLocation = Static<typeof CdrLocationSchema>;

export const SignedValueSchema = Type.Object({
  nature: CiString(32),
  plain_data: OcpiString(512),
  signed_data: OcpiString(5000),
});
export type SignedValue = Static<typeof SignedValueSchema>;

export const SignedDataSchema = Type.Object({
  encoding_method: CiString(36),
  encoding_method_version: Type.Optional(Type.Integer()),
  public_key: Type.Optional(OcpiString(512)),
  signed_values: Type.Array(SignedValueSchema, { minItems: 1 }),
  url: Type.Optional(OcpiString(512)),
});
export type SignedData = Static<typeof SignedDataSchema>;

export const CdrSchema = Type.Object({
  country_code: CiString(2),
  party_id: CiString(3),
  id: ObjectId(39),
  start_date_time: DateTimeSchema,
  end_date_time: DateTimeSchema,
  session_id: Type.Optional(ObjectId(36)),
  cdr_token: CdrTokenSchema,
  auth_method: AuthMethodSchema,
  authorization_reference: Type.Optional(CiString(36)),
  cdr_location: CdrLocationSchema,
  meter_id: Type.Optional(OcpiString(255)),
  currency: OcpiString(3),
  tariffs: Type.Optional(Type.Array(TariffSchema)),
  charging_periods: Type.Array(ChargingPeriodSchema, { minItems: 1 }),
  signed_data: Type.Optional(SignedDataSchema),
  total_cost: SignedPriceSchema,
  total_fixed_cost: Type.Optional(PriceSchema),
  total_energy: Quantity(LIMITS.kwh),
  total_energy_cost: Type.Optional(PriceSchema),
  total_time: Quantity(LIMITS.hours),
  total_time_cost: Type.Optional(PriceSchema),
  total_parking_time: Type.Optional(Quantity(LIMITS.hours)),
  total_parking_cost: Type.Optional(PriceSchema),
  total_reservation_cost: Type.Optional(PriceSchema),
  remark: Type.Optional(OcpiString(255)),
  invoice_reference_id: Type.Optional(CiString(39)),
  credit: Type.Optional(Type.Boolean()),
  credit_reference_id: Type.Optional(CiString(39)),
  home_charging_compensation: Type.Optional(Type.Boolean()),
  last_updated: DateTimeSchema,
});
export type Cdr = Static<typeof CdrSchema>;
