/** Tokens module (mod_tokens.md): Token, AuthorizationInfo, LocationReferences. */
import { Type, type Static } from '@sinclair/typebox';
import { ALLOWED_TYPES, WHITELIST_TYPES } from '../v2_2_1/tokens.js';
import { DateTimeSchema, DisplayTextSchema, OcpiString, PatchOf, StringEnum } from './types.js';
import { ObjectId } from '../v2_2_1/types.js';

/** 2.1.1 calls this enum `Allowed`; 2.2.1 renamed it to AllowedType with the same values. */
export const AllowedSchema = StringEnum(ALLOWED_TYPES);
export type Allowed = Static<typeof AllowedSchema>;

export const TOKEN_TYPES = ['OTHER', 'RFID'] as const;
export const TokenTypeSchema = StringEnum(TOKEN_TYPES);
export type TokenType = Static<typeof TokenTypeSchema>;

export const WhitelistTypeSchema = StringEnum(WHITELIST_TYPES);
export type WhitelistType = Static<typeof WhitelistTypeSchema>;

export const LocationReferencesSchema = Type.Object({
  location_id: ObjectId(39),
  evse_uids: Type.Optional(Type.Array(OcpiString(39))),
  connector_ids: Type.Optional(Type.Array(OcpiString(36))),
});
export type LocationReferences = Static<typeof LocationReferencesSchema>;

export const AuthorizationInfoSchema = Type.Object({
  allowed: AllowedSchema,
  location: Type.Optional(LocationReferencesSchema),
  info: Type.Optional(DisplayTextSchema),
});
export type AuthorizationInfo = Static<typeof AuthorizationInfoSchema>;

export const TokenSchema = Type.Object({
  uid: ObjectId(36),
  type: TokenTypeSchema,
  auth_id: OcpiString(36),
  visual_number: Type.Optional(OcpiString(64)),
  issuer: OcpiString(64),
  valid: Type.Boolean(),
  whitelist: WhitelistTypeSchema,
  language: Type.Optional(OcpiString(2)),
  last_updated: DateTimeSchema,
});
export type Token = Static<typeof TokenSchema>;

export const TokenPatchSchema = PatchOf(TokenSchema);
export type TokenPatch = Static<typeof TokenPatchSchema>;
