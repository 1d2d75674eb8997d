/** Tokens module (mod_tokens.asciidoc): Token, AuthorizationInfo and their data types. */
import { Type, type Static } from '@sinclair/typebox';
import { CiString, DateTimeSchema, DisplayTextSchema, OcpiString, PatchOf, StringEnum, ObjectId } from './types.js';

export const ALLOWED_TYPES = ['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'] as const;
export const AllowedTypeSchema = StringEnum(ALLOWED_TYPES);
export type AllowedType = Static<typeof AllowedTypeSchema>;

export const TOKEN_TYPES = ['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'] as const;
export const TokenTypeSchema = StringEnum(TOKEN_TYPES);
export type TokenType = Static<typeof TokenTypeSchema>;

export const WHITELIST_TYPES = ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'] as const;
export const WhitelistTypeSchema = StringEnum(WHITELIST_TYPES);
export type WhitelistType = Static<typeof WhitelistTypeSchema>;

/** ProfileType belongs to the Sessions module; it lives here because sessions.ts imports tokens.ts. */
export const PROFILE_TYPES = ['CHEAP', 'FAST', 'GREEN', 'REGULAR'] as const;
export const ProfileTypeSchema = StringEnum(PROFILE_TYPES);
export type ProfileType = Static<typeof ProfileTypeSchema>;

export const EnergyContractSchema = Type.Object({
  supplier_name: OcpiString(64),
  contract_id: Type.Optional(OcpiString(64)),
});
export type EnergyContract = Static<typeof EnergyContractSchema>;

export const LocationReferencesSchema = Type.Object({
  location_id: ObjectId(36),
  evse_uids: Type.Optional(Type.Array(CiString(36))),
});
export type LocationReferences = Static<typeof LocationReferencesSchema>;

export const TokenSchema = Type.Object({
  country_code: CiString(2),
  party_id: CiString(3),
  uid: ObjectId(36),
  type: TokenTypeSchema,
  contract_id: CiString(36),
  visual_number: Type.Optional(OcpiString(64)),
  issuer: OcpiString(64),
  group_id: Type.Optional(CiString(36)),
  valid: Type.Boolean(),
  whitelist: WhitelistTypeSchema,
  language: Type.Optional(OcpiString(2)),
  default_profile_type: Type.Optional(ProfileTypeSchema),
  energy_contract: Type.Optional(EnergyContractSchema),
  last_updated: DateTimeSchema,
});
export type Token = Static<typeof TokenSchema>;

export const TokenPatchSchema = PatchOf(TokenSchema);
export type TokenPatch = Static<typeof TokenPatchSchema>;

export const AuthorizationInfoSchema = Type.Object({
  allowed: AllowedTypeSchema,
  token: TokenSchema,
  location: Type.Optional(LocationReferencesSchema),
  authorization_reference: Type.Optional(CiString(36)),
  info: Type.Optional(DisplayTextSchema),
});
export type AuthorizationInfo = Static<typeof AuthorizationInfoSchema>;
