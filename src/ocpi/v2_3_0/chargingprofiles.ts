/** Charging Profiles module (mod_charging_profiles.asciidoc): 2.3.0 changed only descriptions. */
export * from '../v2_2_1/chargingprofiles.js';
