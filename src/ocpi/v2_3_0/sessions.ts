/** Sessions module (mod_sessions.asciidoc): 2.3.0 changed only types it uses (Price, TokenType). */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/sessions.js';
import { TokenTypeSchema } from './tokens.js';
import { PatchOf, PriceSchema } from './types.js';

export {
  AUTH_METHODS,
  AuthMethodSchema,
  type AuthMethod,
  CDR_DIMENSION_TYPES,
  CdrDimensionTypeSchema,
  type CdrDimensionType,
  CdrDimensionSchema,
  type CdrDimension,
  CHARGING_PREFERENCES_RESPONSES,
  ChargingPreferencesResponseSchema,
  type ChargingPreferencesResponse,
  ChargingPeriodSchema,
  type ChargingPeriod,
  ChargingPreferencesSchema,
  type ChargingPreferences,
  SESSION_STATUSES,
  SessionStatusSchema,
  type SessionStatus,
} from '../v2_2_1/sessions.js';

export const CdrTokenSchema = Type.Object({ ...v221.CdrTokenSchema.properties, type: TokenTypeSchema });
export type CdrToken = Static<typeof CdrTokenSchema>;

export const SessionSchema = Type.Object({
  ...v221.SessionSchema.properties,
  cdr_token: CdrTokenSchema,
  total_cost: Type.Optional(PriceSchema),
});
export type Session = Static<typeof SessionSchema>;

export const SessionPatchSchema = PatchOf(SessionSchema);
export type SessionPatch = Static<typeof SessionPatchSchema>;
