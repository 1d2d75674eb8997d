/** Locations module (mod_locations.asciidoc): Location, EVSE, Connector and their data types. */
import { Type, type Static } from '@sinclair/typebox';
import { TokenTypeSchema } from './tokens.js';
import {
  BusinessDetailsSchema,
  CiString,
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
  Count,
  LIMITS,
  ObjectId,
} from './types.js';

export const CAPABILITIES = [
  'CHARGING_PROFILE_CAPABLE',
  'CHARGING_PREFERENCES_CAPABLE',
  'CHIP_CARD_SUPPORT',
  'CONTACTLESS_CARD_SUPPORT',
  'CREDIT_CARD_PAYABLE',
  'DEBIT_CARD_PAYABLE',
  'PED_TERMINAL',
  'REMOTE_START_STOP_CAPABLE',
  'RESERVABLE',
  'RFID_READER',
  'START_SESSION_CONNECTOR_REQUIRED',
  'TOKEN_GROUP_CAPABLE',
  'UNLOCK_CAPABLE',
] as const;
export const CapabilitySchema = StringEnum(CAPABILITIES);
export type Capability = Static<typeof CapabilitySchema>;

export const CONNECTOR_FORMATS = ['SOCKET', 'CABLE'] as const;
export const ConnectorFormatSchema = StringEnum(CONNECTOR_FORMATS);
export type ConnectorFormat = Static<typeof ConnectorFormatSchema>;

export const CONNECTOR_TYPES = [
  'CHADEMO',
  'CHAOJI',
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
  'DOMESTIC_M',
  'DOMESTIC_N',
  'DOMESTIC_O',
  'GBT_AC',
  'GBT_DC',
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
  'NEMA_5_20',
  'NEMA_6_30',
  'NEMA_6_50',
  'NEMA_10_30',
  'NEMA_10_50',
  'NEMA_14_30',
  'NEMA_14_50',
  'PANTOGRAPH_BOTTOM_UP',
  'PANTOGRAPH_TOP_DOWN',
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
  'BIKE_SHARING',
  'BUS_STOP',
  'TAXI_STAND',
  'TRAM_STOP',
  'METRO_STATION',
  'TRAIN_STATION',
  'AIRPORT',
  'PARKING_LOT',
  'CARPOOL_PARKING',
  'FUEL_STATION',
  'WIFI',
] as const;
export const FacilitySchema = StringEnum(FACILITIES);
export type Facility = Static<typeof FacilitySchema>;

export const PARKING_RESTRICTIONS = ['EV_ONLY', 'PLUGGED', 'DISABLED', 'CUSTOMERS', 'MOTORCYCLES'] as const;
export const ParkingRestrictionSchema = StringEnum(PARKING_RESTRICTIONS);
export type ParkingRestriction = Static<typeof ParkingRestrictionSchema>;

export const PARKING_TYPES = [
  'ALONG_MOTORWAY',
  'PARKING_GARAGE',
  'PARKING_LOT',
  'ON_DRIVEWAY',
  'ON_STREET',
  'UNDERGROUND_GARAGE',
] as const;
export const ParkingTypeSchema = StringEnum(PARKING_TYPES);
export type ParkingType = Static<typeof ParkingTypeSchema>;

export const POWER_TYPES = ['AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'] as const;
export const PowerTypeSchema = StringEnum(POWER_TYPES);
export type PowerType = Static<typeof PowerTypeSchema>;

export const STATUSES = [
  'AVAILABLE',
  'BLOCKED',
  'CHARGING',
  'INOPERATIVE',
  'OUTOFORDER',
  'PLANNED',
  'REMOVED',
  'RESERVED',
  'UNKNOWN',
] as const;
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

// "regular_hours only when twentyfourseven is false" is a cross-field rule left to the business logic.
export const HoursSchema = Type.Object({
  twentyfourseven: Type.Boolean(),
  regular_hours: Type.Optional(Type.Array(RegularHoursSchema)),
  exceptional_openings: Type.Optional(Type.Array(ExceptionalPeriodSchema)),
  exceptional_closings: Type.Optional(Type.Array(ExceptionalPeriodSchema)),
});
export type Hours = Static<typeof HoursSchema>;

// "At least one of uid, visual_number, group_id" is likewise a cross-field rule, not checked here.
export const PublishTokenTypeSchema = Type.Object({
  uid: Type.Optional(ObjectId(36)),
  type: Type.Optional(TokenTypeSchema),
  visual_number: Type.Optional(OcpiString(64)),
  issuer: Type.Optional(OcpiString(64)),
  group_id: Type.Optional(CiString(36)),
});
export type PublishTokenType = Static<typeof PublishTokenTypeSchema>;

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
  max_voltage: Count(LIMITS.volts),
  max_amperage: Count(LIMITS.amperes),
  max_electric_power: Type.Optional(Count(LIMITS.watts)),
  tariff_ids: Type.Optional(Type.Array(CiString(36))),
  terms_and_conditions: Type.Optional(UrlSchema),
  last_updated: DateTimeSchema,
});
export type Connector = Static<typeof ConnectorSchema>;

export const EvseSchema = Type.Object({
  uid: ObjectId(36),
  evse_id: Type.Optional(CiString(48)),
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
  country_code: CiString(2),
  party_id: CiString(3),
  id: ObjectId(36),
  publish: Type.Boolean(),
  publish_allowed_to: Type.Optional(Type.Array(PublishTokenTypeSchema)),
  name: Type.Optional(OcpiString(255)),
  address: OcpiString(45),
  city: OcpiString(45),
  postal_code: Type.Optional(OcpiString(10)),
  state: Type.Optional(OcpiString(20)),
  country: OcpiString(3),
  coordinates: GeoLocationSchema,
  related_locations: Type.Optional(Type.Array(AdditionalGeoLocationSchema)),
  parking_type: Type.Optional(ParkingTypeSchema),
  evses: Type.Optional(Type.Array(EvseSchema)),
  directions: Type.Optional(Type.Array(DisplayTextSchema)),
  operator: Type.Optional(BusinessDetailsSchema),
  suboperator: Type.Optional(BusinessDetailsSchema),
  owner: Type.Optional(BusinessDetailsSchema),
  facilities: Type.Optional(Type.Array(FacilitySchema)),
  time_zone: OcpiString(255),
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
