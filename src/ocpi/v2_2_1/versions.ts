/** Version information and details endpoints (version_information_endpoint.asciidoc). */
import { Type, type Static } from '@sinclair/typebox';
import { withPatternMessage } from '../validation.js';
import { StringEnum, UrlSchema } from './types.js';

export const VERSION_NUMBERS = ['2.0', '2.1', '2.1.1', '2.2', '2.2.1'] as const;
export const VersionNumberSchema = StringEnum(VERSION_NUMBERS);
export type VersionNumber = Static<typeof VersionNumberSchema>;

export const INTERFACE_ROLES = ['SENDER', 'RECEIVER'] as const;
export const InterfaceRoleSchema = StringEnum(INTERFACE_ROLES);
export type InterfaceRole = Static<typeof InterfaceRoleSchema>;

/** The module ids 2.2.1 defines. */
export const MODULE_IDS = [
  'cdrs',
  'chargingprofiles',
  'commands',
  'credentials',
  'hubclientinfo',
  'locations',
  'sessions',
  'tariffs',
  'tokens',
] as const;
export type KnownModuleID = (typeof MODULE_IDS)[number];

/** Any string: the spec lets parties add custom module ids (e.g. `nltnm-tokens`). */
export const ModuleIDSchema = Type.String();
export type ModuleID = Static<typeof ModuleIDSchema>;

/**
 * The versions list is shared by every version a peer speaks, so it may name versions newer than
 * 2.2.1 (e.g. 2.3.0); accept any dotted number there rather than reject the whole list.
 */
const AnyVersionNumberSchema = withPatternMessage(
  Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$' }),
  'must be a version number such as 2.2.1',
);

export const VersionSchema = Type.Object({
  version: AnyVersionNumberSchema,
  url: UrlSchema,
});
export type Version = Static<typeof VersionSchema>;

export const EndpointSchema = Type.Object({
  identifier: ModuleIDSchema,
  role: InterfaceRoleSchema,
  url: UrlSchema,
});
export type Endpoint = Static<typeof EndpointSchema>;

export const VersionDetailsSchema = Type.Object({
  version: VersionNumberSchema,
  endpoints: Type.Array(EndpointSchema, { minItems: 1 }),
});
export type VersionDetails = Static<typeof VersionDetailsSchema>;
