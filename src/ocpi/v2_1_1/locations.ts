/** Locations module (mod_locations.md): Location, EVSE, Connector and their data types. */
import { Type, type Static } from '@sinclair/typebox';
import { CONNECTOR_FORMATS, PARKING_RESTRICTIONS, STATUSES } from '../v2_2_1/locations.js';
import {
  BusinessDetailsSchema,
  DateTimeSchema,
  DisplayTextSchema,
  EnergyMixSchema,
  GeoLocationSchema,
  ImageSchema,
  LatitudeSchema,
  LongitudeSchema,
  OcpiString,
  PatchOf,
  StringEnum,
  TimeOfDaySchema,
  UrlSchema,
} from './types.js';
import { Count, LIMITS, ObjectId } from '../v2_2_1/types.js';

export const CAPABILITIES = [
  'CHARGING_PROFILE_CAPABLE',
  'CREDIT_CARD_PAYABLE',
  'REMOTE_START_STOP_CAPABLE',
  'RESERVABLE',
  'RFID_READER',
  'UNLOCK_CAPABLE',
] as const;
export const CapabilitySchema = StringEnum(CAPABILITIES);
export type Capability = Static<typeof CapabilitySchema>;

export const ConnectorFormatSchema = StringEnum(CONNECTOR_FORMATS);
export type ConnectorFormat = Static<typeof ConnectorFormatSchema>;

export const CONNECTOR_TYPES = [
  'CHADEMO',
  'DOMESTIC_A',
  'DOMESTIC_B',
  'DOMESTIC_C',
  'DOMESTIC_D',
  'DOMESTIC_E',
  'DOMESTIC_F',
  'DOMESTIC_G',
  'DOMESTIC_H',
  'DOMESTIC_I',
  'DOMESTIC_J',
  'DOMESTIC_K',
  'DOMESTIC_L',
  'IEC_60309_2_single_16',
  'IEC_60309_2_three_16',
  'IEC_60309_2_three_32',
  'IEC_60309_2_three_64',
  'IEC_62196_T1',
  'IEC_62196_T1_COMBO',
  'IEC_62196_T2',
  'IEC_62196_T2_COMBO',
  'IEC_62196_T3A',
  'IEC_62196_T3C',
  'TESLA_R',
  'TESLA_S',
] as const;
export const ConnectorTypeSchema = StringEnum(CONNECTOR_TYPES);
export type ConnectorType = Static<typeof ConnectorTypeSchema>;

export const FACILITIES = [
  'HOTEL',
  'RESTAURANT',
  'CAFE',
  'MALL',
  'SUPERMARKET',
  'SPORT',
  'RECREATION_AREA',
  'NATURE',
  'MUSEUM',
  'BUS_STOP',
  'TAXI_STAND',
  'TRAIN_STATION',
  'AIRPORT',
  'CARPOOL_PARKING',
  'FUEL_STATION',
  'WIFI',
] as const;
export const FacilitySchema = StringEnum(FACILITIES);
export type Facility = Static<typeof FacilitySchema>;

export const LOCATION_TYPES = [
  'ON_STREET',
  'PARKING_GARAGE',
  'UNDERGROUND_GARAGE',
  'PARKING_LOT',
  'OTHER',
  'UNKNOWN',
] as const;
export const LocationTypeSchema = StringEnum(LOCATION_TYPES);
export type LocationType = Static<typeof LocationTypeSchema>;

export const ParkingRestrictionSchema = StringEnum(PARKING_RESTRICTIONS);
export type ParkingRestriction = Static<typeof ParkingRestrictionSchema>;

export const POWER_TYPES = ['AC_1_PHASE', 'AC_3_PHASE', 'DC'] as const;
export const PowerTypeSchema = StringEnum(POWER_TYPES);
export type PowerType = Static<typeof PowerTypeSchema>;

export const StatusSchema = StringEnum(STATUSES);
export type Status = Static<typeof StatusSchema>;

export const AdditionalGeoLocationSchema = Type.Object({
  latitude: LatitudeSchema,
  longitude: LongitudeSchema,
  name: Type.Optional(DisplayTextSchema),
});
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocationSchema>;

export const ExceptionalPeriodSchema = Type.Object({
  period_begin: DateTimeSchema,
  period_end: DateTimeSchema,
});
export type ExceptionalPeriod = Static<typeof ExceptionalPeriodSchema>;

export const RegularHoursSchema = Type.Object({
  weekday: Type.Integer({ minimum: 1, maximum: 7 }),
  period_begin: TimeOfDaySchema,
  period_end: TimeOfDaySchema,
});
export type RegularHours = Static<typeof RegularHoursSchema>;

// 2.1.1 makes regular_hours and twentyfourseven a choice ("one of two"); the spec's own example sends
// both (twentyfourseven: false with regular hours), so both are optional and the choice is not enforced.
export const HoursSchema = Type.Object({
  regular_hours: Type.Optional(Type.Array(RegularHoursSchema)),
  twentyfourseven: Type.Optional(Type.Boolean()),
  exceptional_openings: Type.Optional(Type.Array(ExceptionalPeriodSchema)),
  exceptional_closings: Type.Optional(Type.Array(ExceptionalPeriodSchema)),
});
export type Hours = Static<typeof HoursSchema>;

export const StatusScheduleSchema = Type.Object({
  period_begin: DateTimeSchema,
  period_end: Type.Optional(DateTimeSchema),
  status: StatusSchema,
});
export type StatusSchedule = Static<typeof StatusScheduleSchema>;

export const ConnectorSchema = Type.Object({
  id: ObjectId(36),
  standard: ConnectorTypeSchema,
  format: ConnectorFormatSchema,
  power_type: PowerTypeSchema,
  voltage: Count(LIMITS.volts),
  amperage: Count(LIMITS.amperes),
  tariff_id: Type.Optional(OcpiString(36)),
  terms_and_conditions: Type.Optional(UrlSchema),
  last_updated: DateTimeSchema,
});
export type Connector = Static<typeof ConnectorSchema>;

export const EvseSchema = Type.Object({
  uid: ObjectId(39),
  evse_id: Type.Optional(OcpiString(48)),
  status: StatusSchema,
  status_schedule: Type.Optional(Type.Array(StatusScheduleSchema)),
  capabilities: Type.Optional(Type.Array(CapabilitySchema)),
  connectors: Type.Array(ConnectorSchema, { minItems: 1 }),
  floor_level: Type.Optional(OcpiString(4)),
  coordinates: Type.Optional(GeoLocationSchema),
  physical_reference: Type.Optional(OcpiString(16)),
  directions: Type.Optional(Type.Array(DisplayTextSchema)),
  parking_restrictions: Type.Optional(Type.Array(ParkingRestrictionSchema)),
  images: Type.Optional(Type.Array(ImageSchema)),
  last_updated: DateTimeSchema,
});
export type Evse = Static<typeof EvseSchema>;

export const LocationSchema = Type.Object({
  id: ObjectId(39),
  type: LocationTypeSchema,
  name: Type.Optional(OcpiString(255)),
  address: OcpiString(45),
  city: OcpiString(45),
  postal_code: OcpiString(10),
  country: OcpiString(3),
  coordinates: GeoLocationSchema,
  related_locations: Type.Optional(Type.Array(AdditionalGeoLocationSchema)),
  evses: Type.Optional(Type.Array(EvseSchema)),
  directions: Type.Optional(Type.Array(DisplayTextSchema)),
  operator: Type.Optional(BusinessDetailsSchema),
  suboperator: Type.Optional(BusinessDetailsSchema),
  owner: Type.Optional(BusinessDetailsSchema),
  facilities: Type.Optional(Type.Array(FacilitySchema)),
  time_zone: Type.Optional(OcpiString(255)),
  opening_times: Type.Optional(HoursSchema),
  charging_when_closed: Type.Optional(Type.Boolean()),
  images: Type.Optional(Type.Array(ImageSchema)),
  energy_mix: Type.Optional(EnergyMixSchema),
  last_updated: DateTimeSchema,
});
export type Location = Static<typeof LocationSchema>;

export const LocationPatchSchema = PatchOf(LocationSchema);
export type LocationPatch = Static<typeof LocationPatchSchema>;
export const EvsePatchSchema = PatchOf(EvseSchema);
export type EvsePatch = Static<typeof EvsePatchSchema>;
export const ConnectorPatchSchema = PatchOf(ConnectorSchema);
export type ConnectorPatch = Static<typeof ConnectorPatchSchema>;
