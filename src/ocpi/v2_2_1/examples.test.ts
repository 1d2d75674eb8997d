import { Type } from '@sinclair/typebox';
import { describeWithSpecExamples } from '../spec-examples.js';
import { specExampleTests, type Expectation } from '../examples-harness.js';
import {
  CdrSchema,
  ConnectorPatchSchema,
  CredentialsSchema,
  DisplayTextSchema,
  EnergyMixSchema,
  EvsePatchSchema,
  EvseSchema,
  HoursSchema,
  LocationPatchSchema,
  LocationSchema,
  OcpiResponseOf,
  OcpiResponseSchema,
  SessionPatchSchema,
  SessionSchema,
  TariffSchema,
  TokenPatchSchema,
  TokenSchema,
  VersionDetailsSchema,
  VersionSchema,
} from './index.js';

// The energy-mix and regular-hours examples wrap the object in the property the spec text shows.
const WrappedEnergyMix = Type.Object({ energy_mix: EnergyMixSchema });
const WrappedOpeningTimes = Type.Object({ opening_times: HoursSchema });
const VersionListSchema = Type.Array(VersionSchema, { minItems: 1 });

// Which schema each example must satisfy, from the object type and form columns of INDEX.md.
// PATCH bodies target the object named by the request URL (…/{location}/{evse}/{connector}).
const expectations: Record<string, Expectation> = {
  'cdrs__cdr_example.json': { schema: CdrSchema },
  'credentials__credentials_example.json': { schema: CredentialsSchema },
  'credentials__credentials_example2.json': { schema: CredentialsSchema },
  'credentials__credentials_example3.json': { schema: CredentialsSchema },
  'credentials__credentials_example4.json': { schema: CredentialsSchema },
  'locations__location_energymix_example_complete.json': { schema: WrappedEnergyMix },
  'locations__location_energymix_example_energy_provider.json': { schema: WrappedEnergyMix },
  'locations__location_energymix_example_simple.json': { schema: WrappedEnergyMix },
  'locations__location_example.json': { schema: LocationSchema },
  'locations__location_example_parking_garage_opening_hours.json': { schema: LocationSchema },
  'locations__location_example_uc2_destination_charger.json': { schema: LocationSchema },
  'locations__location_example_uc3_destination_charger_not_published.json': { schema: LocationSchema },
  'locations__location_example_uc4_limited_visibility.json': { schema: LocationSchema },
  'locations__location_example_uc5_home_charge_point.json': { schema: LocationSchema },
  'locations__location_hours_247_open_exception_closing.json': { schema: HoursSchema },
  'locations__location_hours_opening_hours_with_exceptional_closing.json': { schema: HoursSchema },
  'locations__location_hours_opening_hours_with_exceptional_opening.json': { schema: HoursSchema },
  'locations__location_patch_example_location.json': { schema: LocationPatchSchema },
  'locations__location_patch_example_remove_evse.json': { schema: EvsePatchSchema },
  'locations__location_patch_example_status.json': { schema: EvsePatchSchema },
  'locations__location_patch_example_tariff.json': { schema: ConnectorPatchSchema },
  'locations__location_put_example_add_evse.json': {
    schema: EvseSchema,
    violates: {
      path: '$.connectors[0].power_type',
      message: 'is required',
      reason:
        'a PUT carries the whole EVSE, but its connector lacks the required power_type, max_voltage, ' +
        'max_amperage and last_updated; it also sends physical_reference as a number and "floor" for floor_level',
    },
  },
  'locations__location_regularhours_example.json': { schema: WrappedOpeningTimes },
  'sessions__session_example_1_simple_start.json': { schema: SessionSchema },
  'sessions__session_example_2_short_finished.json': { schema: SessionSchema },
  'sessions__session_patch_example_charging_period.json': { schema: SessionPatchSchema },
  'sessions__session_patch_example_total_cost.json': { schema: SessionPatchSchema },
  'tariffs__tariff_10_025kwh_parking_start.json': { schema: TariffSchema },
  'tariffs__tariff_11_not_possible_alt_text.json': { schema: TariffSchema },
  'tariffs__tariff_12_025kwh_min_price.json': { schema: TariffSchema },
  'tariffs__tariff_13_simple_3hour_5parking.json': { schema: TariffSchema },
  'tariffs__tariff_14_step_size.json': { schema: TariffSchema },
  'tariffs__tariff_15_reservation_5_euro_per_hour.json': { schema: TariffSchema },
  'tariffs__tariff_16_reservation_2_euro_fee_5_euro_per_hour.json': { schema: TariffSchema },
  'tariffs__tariff_17_reservation_with_expire_fee.json': { schema: TariffSchema },
  'tariffs__tariff_18_reservation_with_expire_time.json': { schema: TariffSchema },
  'tariffs__tariff_1_simple_2hour.json': { schema: TariffSchema },
  'tariffs__tariff_2_alt_text.json': { schema: TariffSchema },
  'tariffs__tariff_3_alt_url.json': { schema: TariffSchema },
  'tariffs__tariff_4_complex.json': { schema: TariffSchema },
  'tariffs__tariff_5_free_of_charge.json': { schema: TariffSchema },
  'tariffs__tariff_6_025kwh_start_max_price.json': { schema: TariffSchema },
  'tariffs__tariff_8_simple_025kwh.json': { schema: TariffSchema },
  'tariffs__tariff_9_025kwh_start.json': { schema: TariffSchema },
  'tariffs__tariff_put_example.json': {
    schema: TariffSchema,
    violates: {
      path: '$.last_updated',
      message: 'is required',
      reason: 'a Tariff PUT body is a whole Tariff, and last_updated is required (cardinality 1)',
    },
  },
  'tariffs__tariffrestriction_example_max_duration.json': { schema: TariffSchema },
  'tariffs__tariffrestriction_example_max_power.json': { schema: TariffSchema },
  'tokens__token_example_1_app_user.json': { schema: TokenSchema },
  'tokens__token_example_2_full_rfid.json': { schema: TokenSchema },
  'tokens__token_patch_example.json': { schema: TokenPatchSchema },
  'tokens__token_put_example.json': { schema: TokenSchema },
  'transport_and_format__inline_example_response_with_an_error_contains_no_data_field.json': {
    schema: OcpiResponseSchema,
  },
  'transport_and_format__transport_and_format_get_token_example.json': { schema: OcpiResponseOf(TokenSchema) },
  'transport_and_format__transport_and_format_get_token_list_example.json': {
    schema: OcpiResponseOf(Type.Array(TokenSchema)),
  },
  'transport_and_format__transport_and_format_version_details_example.json': {
    schema: OcpiResponseOf(VersionDetailsSchema),
  },
  'transport_and_format__transport_and_format_version_info_example.json': { schema: OcpiResponseOf(VersionListSchema) },
  'types__type_displaytext_example.json': { schema: DisplayTextSchema },
  'versions__version_details_example.json': { schema: VersionDetailsSchema },
  'versions__version_details_example2.json': { schema: VersionDetailsSchema },
  'versions__versions_info_example.json': { schema: VersionListSchema },
};

describeWithSpecExamples('OCPI 2.2.1 spec examples', () => {
  specExampleTests({ version: '2.2.1', expectations });
});
