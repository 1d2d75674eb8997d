/** Tokens module (mod_tokens.asciidoc): TokenType became an OpenEnum and gained EMAID. */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/tokens.js';
import { OpenEnum, PatchOf } from './types.js';

export {
  ALLOWED_TYPES,
  AllowedTypeSchema,
  type AllowedType,
  EnergyContractSchema,
  type EnergyContract,
  LocationReferencesSchema,
  type LocationReferences,
  PROFILE_TYPES,
  ProfileTypeSchema,
  type ProfileType,
  WHITELIST_TYPES,
  WhitelistTypeSchema,
  type WhitelistType,
} from '../v2_2_1/tokens.js';

export const TOKEN_TYPES = [...v221.TOKEN_TYPES, 'EMAID'] as const;
export const TokenTypeSchema = OpenEnum(TOKEN_TYPES);
export type TokenType = Static<typeof TokenTypeSchema>;

export const TokenSchema = Type.Object({ ...v221.TokenSchema.properties, type: TokenTypeSchema });
export type Token = Static<typeof TokenSchema>;

export const TokenPatchSchema = PatchOf(TokenSchema);
export type TokenPatch = Static<typeof TokenPatchSchema>;

export const AuthorizationInfoSchema = Type.Object({ ...v221.AuthorizationInfoSchema.properties, token: TokenSchema });
export type AuthorizationInfo = Static<typeof AuthorizationInfoSchema>;
