/** Version information and details endpoints: ModuleID and VersionNumber became OpenEnums in 2.3.0. */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/versions.js';
import { OpenEnum } from './types.js';

export {
  EndpointSchema,
  type Endpoint,
  INTERFACE_ROLES,
  InterfaceRoleSchema,
  type InterfaceRole,
  ModuleIDSchema,
  type ModuleID,
  VersionSchema,
  type Version,
} from '../v2_2_1/versions.js';

export const VERSION_NUMBERS = [...v221.VERSION_NUMBERS, '2.3.0'] as const;
export const VersionNumberSchema = OpenEnum(VERSION_NUMBERS);
export type VersionNumber = Static<typeof VersionNumberSchema>;

export const MODULE_IDS = [...v221.MODULE_IDS, 'payments', 'invoicereconciliation'] as const;
export type KnownModuleID = (typeof MODULE_IDS)[number];

export const VersionDetailsSchema = Type.Object({
  ...v221.VersionDetailsSchema.properties,
  version: VersionNumberSchema,
});
export type VersionDetails = Static<typeof VersionDetailsSchema>;

export const VersionListSchema = Type.Array(v221.VersionSchema, { minItems: 1 });
