/** Version information and details endpoints (version_information_endpoint.md). */
import { Type, type Static } from '@sinclair/typebox';
import { withPatternMessage } from '../validation.js';
import { StringEnum, UrlSchema } from './types.js';

export const VERSION_NUMBERS = ['2.0', '2.1', '2.1.1'] as const;
export const VersionNumberSchema = StringEnum(VERSION_NUMBERS);
export type VersionNumber = Static<typeof VersionNumberSchema>;

/** The module ids 2.1.1 defines. */
export const MODULE_IDS = ['cdrs', 'commands', 'credentials', 'locations', 'sessions', 'tariffs', 'tokens'] as const;
export type KnownModuleID = (typeof MODULE_IDS)[number];

/** Any string: parties may add custom module ids (e.g. `nltnm-tokens`). */
export const ModuleIDSchema = Type.String();
export type ModuleID = Static<typeof ModuleIDSchema>;

/**
 * The versions list is shared by every version a peer speaks, so any dotted number is accepted there
 * (the 2.1.1 text's own example lists "1.9").
 */
export const VersionSchema = Type.Object({
  version: withPatternMessage(
    Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$' }),
    'must be a version number such as 2.1.1',
  ),
  url: UrlSchema,
});
export type Version = Static<typeof VersionSchema>;

export const EndpointSchema = Type.Object({
  identifier: ModuleIDSchema,
  url: UrlSchema,
});
export type Endpoint = Static<typeof EndpointSchema>;

export const VersionDetailsSchema = Type.Object({
  version: VersionNumberSchema,
  endpoints: Type.Array(EndpointSchema, { minItems: 1 }),
});
export type VersionDetails = Static<typeof VersionDetailsSchema>;

export const VersionListSchema = Type.Array(VersionSchema, { minItems: 1 });
