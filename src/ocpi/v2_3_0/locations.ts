/**
 * Locations module (mod_locations.asciidoc) as 2.3.0 changed it: OpenEnums, Location help_phone and
 * parking_places, EVSE parking and accepted_service_providers, Connector capabilities. Unchanged classes
 * are the 2.2.1 ones.
 */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/locations.js';
import { TokenTypeSchema } from './tokens.js';
import {
  BusinessDetailsSchema,
  CiString,
  EnergyMixSchema,
  ImageSchema,
  OcpiString,
  OpenEnum,
  PatchOf,
  StringEnum,
} from './types.js';

export {
  AdditionalGeoLocationSchema,
  type AdditionalGeoLocation,
  CAPABILITIES,
  CONNECTOR_FORMATS,
  ConnectorFormatSchema,
  type ConnectorFormat,
  ExceptionalPeriodSchema,
  type ExceptionalPeriod,
  FACILITIES,
  HoursSchema,
  type Hours,
  PARKING_TYPES,
  POWER_TYPES,
  PowerTypeSchema,
  type PowerType,
  RegularHoursSchema,
  type RegularHours,
  STATUSES,
  StatusSchema,
  type Status,
  StatusScheduleSchema,
  type StatusSchedule,
} from '../v2_2_1/locations.js';
import { ObjectId } from '../v2_2_1/types.js';

export const CapabilitySchema = OpenEnum(v221.CAPABILITIES);
export type Capability = Static<typeof CapabilitySchema>;

export const CONNECTOR_CAPABILITIES = ['ISO_15118_2_PLUG_AND_CHARGE', 'ISO_15118_20_PLUG_AND_CHARGE'] as const;
export const ConnectorCapabilitySchema = OpenEnum(CONNECTOR_CAPABILITIES);
export type ConnectorCapability = Static<typeof ConnectorCapabilitySchema>;

export const CONNECTOR_TYPES = [...v221.CONNECTOR_TYPES, 'MCS', 'SAE_J3400'] as const;
export const ConnectorTypeSchema = OpenEnum(CONNECTOR_TYPES);
export type ConnectorType = Static<typeof ConnectorTypeSchema>;

export const EVSE_POSITIONS = ['LEFT', 'RIGHT', 'CENTER'] as const;
export const EvsePositionSchema = StringEnum(EVSE_POSITIONS);
export type EvsePosition = Static<typeof EvsePositionSchema>;

export const FacilitySchema = OpenEnum(v221.FACILITIES);
export type Facility = Static<typeof FacilitySchema>;

export const PARKING_DIRECTIONS = ['PARALLEL', 'PERPENDICULAR', 'ANGLE'] as const;
export const ParkingDirectionSchema = StringEnum(PARKING_DIRECTIONS);
export type ParkingDirection = Static<typeof ParkingDirectionSchema>;

export const PARKING_RESTRICTIONS = [...v221.PARKING_RESTRICTIONS, 'EMPLOYEES', 'TAXIS', 'TENANTS'] as const;
export const ParkingRestrictionSchema = OpenEnum(PARKING_RESTRICTIONS);
export type ParkingRestriction = Static<typeof ParkingRestrictionSchema>;

export const ParkingTypeSchema = OpenEnum(v221.PARKING_TYPES);
export type ParkingType = Static<typeof ParkingTypeSchema>;

export const VEHICLE_TYPES = [
  'MOTORCYCLE',
  'PERSONAL_VEHICLE',
  'PERSONAL_VEHICLE_WITH_TRAILER',
  'VAN',
  'SEMI_TRACTOR',
  'RIGID',
  'TRUCK_WITH_TRAILER',
  'BUS',
  'DISABLED',
] as const;
export const VehicleTypeSchema = OpenEnum(VEHICLE_TYPES);
export type VehicleType = Static<typeof VehicleTypeSchema>;

export const PublishTokenTypeSchema = Type.Object({
  ...v221.PublishTokenTypeSchema.properties,
  type: Type.Optional(TokenTypeSchema),
});
export type PublishTokenType = Static<typeof PublishTokenTypeSchema>;

export const ParkingSchema = Type.Object({
  id: ObjectId(36),
  physical_reference: Type.Optional(OcpiString(12)),
  vehicle_types: Type.Array(VehicleTypeSchema, { minItems: 1 }),
  max_vehicle_weight: Type.Optional(Type.Number()),
  max_vehicle_height: Type.Optional(Type.Number()),
  max_vehicle_length: Type.Optional(Type.Number()),
  max_vehicle_width: Type.Optional(Type.Number()),
  parking_space_length: Type.Optional(Type.Number()),
  parking_space_width: Type.Optional(Type.Number()),
  dangerous_goods_allowed: Type.Optional(Type.Boolean()),
  direction: Type.Optional(ParkingDirectionSchema),
  drive_through: Type.Optional(Type.Boolean()),
  restricted_to_type: Type.Boolean(),
  reservation_required: Type.Boolean(),
  time_limit: Type.Optional(Type.Number()),
  roofed: Type.Optional(Type.Boolean()),
  images: Type.Optional(Type.Array(ImageSchema)),
  lighting: Type.Optional(Type.Boolean()),
  refrigeration_outlet: Type.Optional(Type.Boolean()),
  standards: Type.Optional(Type.Array(CiString(36))),
  // The spec gives apds_reference no length.
  apds_reference: Type.Optional(Type.String()),
});
export type Parking = Static<typeof ParkingSchema>;

export const EvseParkingSchema = Type.Object({
  parking_id: CiString(36),
  evse_position: Type.Optional(EvsePositionSchema),
});
export type EvseParking = Static<typeof EvseParkingSchema>;

export const ConnectorSchema = Type.Object({
  ...v221.ConnectorSchema.properties,
  standard: ConnectorTypeSchema,
  capabilities: Type.Optional(Type.Array(ConnectorCapabilitySchema)),
});
export type Connector = Static<typeof ConnectorSchema>;

export const EvseSchema = Type.Object({
  ...v221.EvseSchema.properties,
  capabilities: Type.Optional(Type.Array(CapabilitySchema)),
  connectors: Type.Array(ConnectorSchema, { minItems: 1 }),
  parking_restrictions: Type.Optional(Type.Array(ParkingRestrictionSchema)),
  parking: Type.Optional(Type.Array(EvseParkingSchema)),
  images: Type.Optional(Type.Array(ImageSchema)),
  accepted_service_providers: Type.Optional(Type.Array(OcpiString(50))),
});
export type Evse = Static<typeof EvseSchema>;

export const LocationSchema = Type.Object({
  ...v221.LocationSchema.properties,
  publish_allowed_to: Type.Optional(Type.Array(PublishTokenTypeSchema)),
  parking_type: Type.Optional(ParkingTypeSchema),
  evses: Type.Optional(Type.Array(EvseSchema)),
  parking_places: Type.Optional(Type.Array(ParkingSchema)),
  operator: Type.Optional(BusinessDetailsSchema),
  suboperator: Type.Optional(BusinessDetailsSchema),
  owner: Type.Optional(BusinessDetailsSchema),
  facilities: Type.Optional(Type.Array(FacilitySchema)),
  images: Type.Optional(Type.Array(ImageSchema)),
  energy_mix: Type.Optional(EnergyMixSchema),
  help_phone: Type.Optional(CiString(25)),
});
export type Location = Static<typeof LocationSchema>;

export const LocationPatchSchema = PatchOf(LocationSchema);
export type LocationPatch = Static<typeof LocationPatchSchema>;
export const EvsePatchSchema = PatchOf(EvseSchema);
export type EvsePatch = Static<typeof EvsePatchSchema>;
export const ConnectorPatchSchema = PatchOf(ConnectorSchema);
export type ConnectorPatch = Static<typeof ConnectorPatchSchema>;
