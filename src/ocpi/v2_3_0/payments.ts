/**
 * Payments module (mod_payments.asciidoc), new in 2.3.0: Terminals and Financial Advice Confirmations
 * exchanged between a payment terminal provider (PTP) and a CPO. It has no 2.2.1 counterpart.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  CiString,
  DateTimeSchema,
  GeoLocationSchema,
  PriceSchema,
  StringEnum,
  UrlSchema,
} from './types.js';
import { ObjectId } from '../v2_2_1/types.js';

export const INVOICE_CREATORS = ['CPO', 'PTP'] as const;
export const InvoiceCreatorSchema = StringEnum(INVOICE_CREATORS);
export type InvoiceCreator = Static<typeof InvoiceCreatorSchema>;

export const CAPTURE_STATUS_CODES = ['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED'] as const;
export const CaptureStatusCodeSchema = StringEnum(CAPTURE_STATUS_CODES);
export type CaptureStatusCode = Static<typeof CaptureStatusCodeSchema>;

export const TerminalSchema = Type.Object({
  terminal_id: CiString(36),
  customer_reference: Type.Optional(CiString(36)),
  party_id: Type.Optional(CiString(3)),
  country_code: Type.Optional(CiString(2)),
  address: Type.Optional(CiString(45)),
  city: Type.Optional(CiString(45)),
  postal_code: Type.Optional(CiString(10)),
  state: Type.Optional(CiString(20)),
  country: Type.Optional(CiString(3)),
  coordinates: Type.Optional(GeoLocationSchema),
  invoice_base_url: Type.Optional(UrlSchema),
  invoice_creator: Type.Optional(InvoiceCreatorSchema),
  reference: Type.Optional(CiString(36)),
  location_ids: Type.Optional(Type.Array(CiString(36))),
  evse_uids: Type.Optional(Type.Array(CiString(36))),
  last_updated: DateTimeSchema,
});
export type Terminal = Static<typeof TerminalSchema>;

/** The body of POST …/terminals/activate: the PTP assigns terminal_id, so it may be left out. */
export const TerminalActivationSchema = Type.Object({
  ...TerminalSchema.properties,
  terminal_id: Type.Optional(CiString(36)),
});
export type TerminalActivation = Static<typeof TerminalActivationSchema>;

// The Terminal PATCH text does not require last_updated (unlike the Locations, Sessions and Tokens PATCHes),
// and its example sends none.
export const TerminalPatchSchema = Type.Partial(TerminalSchema);
export type TerminalPatch = Static<typeof TerminalPatchSchema>;

/** CiString[1..255]. */
const EftLine = Object.assign(CiString(255), { minLength: 1 });

export const FinancialAdviceConfirmationSchema = Type.Object({
  id: ObjectId(36),
  authorization_reference: CiString(36),
  total_costs: PriceSchema,
  currency: CiString(3),
  eft_data: Type.Array(EftLine, { minItems: 1 }),
  capture_status_code: CaptureStatusCodeSchema,
  capture_status_message: Type.Optional(EftLine),
  last_updated: DateTimeSchema,
});
export type FinancialAdviceConfirmation = Static<typeof FinancialAdviceConfirmationSchema>;
