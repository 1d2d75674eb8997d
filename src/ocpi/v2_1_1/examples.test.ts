import { Type } from '@sinclair/typebox';
import { describeWithSpecExamples } from '../spec-examples.js';
import { specExampleTests, type Expectation } from '../examples-harness.js';
import {
  ConnectorPatchSchema,
  CredentialsSchema,
  EvsePatchSchema,
  EvseSchema,
  LocationPatchSchema,
  LocationSchema,
  OcpiResponseOf,
  OcpiResponseSchema,
  SessionPatchSchema,
  SessionSchema,
  TariffPatchSchema,
  TariffSchema,
  TokenPatchSchema,
  TokenSchema,
  VersionDetailsSchema,
  VersionListSchema,
} from './index.js';

// Which schema each example must satisfy, from the object type and form columns of INDEX.md.
// PATCH bodies target the object named by the request URL (…/{location}/{evse}/{connector}).
const expectations: Record<string, Expectation> = {
  'credentials__credentials_endpoint_object_description_example.json': { schema: CredentialsSchema },
  'locations__example_a_simple_status_update.json': { schema: EvsePatchSchema },
  'locations__example_add_an_evse.json': {
    schema: EvseSchema,
    violates: {
      path: '$.last_updated',
      message: 'is required',
      reason:
        'a PUT carries the whole EVSE, but it lacks the required last_updated, and its connector lacks power_type, ' +
        'voltage, amperage and last_updated; it also sends physical_reference as a number and "floor" for floor_level',
    },
  },
  'locations__example_change_the_location_name.json': { schema: LocationPatchSchema },
  'locations__example_delete_an_evse.json': { schema: EvsePatchSchema },
  'locations__example_set_tariff_update.json': { schema: ConnectorPatchSchema },
  'locations__location_object_example.json': { schema: LocationSchema },
  'sessions__example_update_the_total_cost.json': { schema: SessionPatchSchema },
  'sessions__simple_session_example_of_a_just_starting_session.json': { schema: SessionSchema },
  'sessions__simple_session_example_of_a_short_finished_session.json': { schema: SessionSchema },
  'tariffs__complex_tariff_example.json': { schema: TariffSchema },
  // Shown under "PATCH Method" although its request line says PUT; as a PUT it would lack id and currency.
  'tariffs__example_change_tariff_to_2_50.json': { schema: TariffPatchSchema },
  'tariffs__example_new_tariff_2_euro_per_hour.json': {
    schema: TariffSchema,
    violates: {
      path: '$.last_updated',
      message: 'is required',
      reason: 'a Tariff PUT body is a whole Tariff, and last_updated is required (cardinality 1)',
    },
  },
  'tariffs__free_of_charge_tariff_example.json': { schema: TariffSchema },
  'tariffs__simple_tariff_example_2_euro_per_hour.json': { schema: TariffSchema },
  'tariffs__simple_tariff_example_with_alternative_multi_language_text.json': { schema: TariffSchema },
  'tariffs__simple_tariff_example_with_alternative_url.json': { schema: TariffSchema },
  'tokens__example_invalidate_a_token.json': { schema: TokenPatchSchema },
  'tokens__example_put_a_new_token.json': { schema: TokenSchema },
  'tokens__token_object_example.json': { schema: TokenSchema },
  'transport_and_format__example_response_with_an_error_contains_no_data_field.json': { schema: OcpiResponseSchema },
  'transport_and_format__example_tokens_get_response_with_list_of_token_objects_emsp.json': {
    schema: OcpiResponseOf(Type.Array(TokenSchema)),
  },
  'transport_and_format__example_tokens_get_response_with_one_token_object_cpo_end_po.json': {
    schema: OcpiResponseOf(TokenSchema),
  },
  'transport_and_format__example_version_details_response_one_object.json': {
    schema: OcpiResponseOf(VersionDetailsSchema),
  },
  'transport_and_format__example_version_information_response_list_of_objects.json': {
    schema: OcpiResponseOf(VersionListSchema),
  },
  'versions__version_details_endpoint_get_example.json': { schema: VersionDetailsSchema },
  'versions__version_information_endpoint_get_example.json': { schema: VersionListSchema },
};

describeWithSpecExamples('OCPI 2.1.1 spec examples', () => {
  specExampleTests({ version: '2.1.1', expectations });
});
