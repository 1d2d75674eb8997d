/**
 * Locations 2.1.1 ⇄ 2.2.1: Location, EVSE, Connector and their PATCH bodies.
 * From 2.1.1: owner from the context, publish = true, LocationType → ParkingType, voltage/amperage →
 * max_voltage/max_amperage, tariff_id → tariff_ids, time_zone derived when missing.
 * To 2.1.1: the reverse; values 2.1.1 lacks are dropped and reported, and a connector whose
 * standard 2.1.1 does not know is left out of its EVSE (an EVSE left without connectors, of its Location).
 */
import * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { keepKnown, translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { conform211 } from './conform.js';
import { dropOwner, energyMixFrom211, energyMixTo211, ownerOf, patchLastUpdated } from './common.js';

/** Used when a 2.1.1 Location has no time_zone and the context cannot derive one. */
export const FALLBACK_TIME_ZONE = 'UTC';

const PARKING_TYPE_OF: Partial<Record<v211.LocationType, v221.ParkingType>> = {
  ON_STREET: 'ON_STREET',
  PARKING_GARAGE: 'PARKING_GARAGE',
  UNDERGROUND_GARAGE: 'UNDERGROUND_GARAGE',
  PARKING_LOT: 'PARKING_LOT',
};

const LOCATION_TYPE_OF: Record<v221.ParkingType, v211.LocationType> = {
  ON_STREET: 'ON_STREET',
  PARKING_GARAGE: 'PARKING_GARAGE',
  UNDERGROUND_GARAGE: 'UNDERGROUND_GARAGE',
  PARKING_LOT: 'PARKING_LOT',
  ALONG_MOTORWAY: 'OTHER',
  ON_DRIVEWAY: 'OTHER',
};

type Mode = 'object' | 'patch';

// ---- 2.1.1 → 2.2.1 ----

export function locationFrom211(location: v211.Location, ctx: TranslationContext): Translated<v221.Location> {
  return translated((log) => locationUp(location, ctx, log, 'object') as v221.Location);
}

export function locationPatchFrom211(
  patch: v211.LocationPatch,
  ctx: TranslationContext,
): Translated<v221.LocationPatch> {
  return translated((log) => locationUp(patch, ctx, log, 'patch') as v221.LocationPatch);
}

export function evseFrom211(evse: v211.Evse, ctx: TranslationContext): Translated<v221.Evse> {
  return translated((log) => evseUp(evse, ctx, log, 'object') as v221.Evse);
}

export function evsePatchFrom211(patch: v211.EvsePatch, ctx: TranslationContext): Translated<v221.EvsePatch> {
  return translated((log) => evseUp(patch, ctx, log, 'patch') as v221.EvsePatch);
}

export function connectorFrom211(connector: v211.Connector, ctx: TranslationContext): Translated<v221.Connector> {
  return translated((log) => connectorUp(connector, ctx, log, 'object') as v221.Connector);
}

export function connectorPatchFrom211(
  patch: v211.ConnectorPatch,
  ctx: TranslationContext,
): Translated<v221.ConnectorPatch> {
  return translated((log) => connectorUp(patch, ctx, log, 'patch') as v221.ConnectorPatch);
}

function locationUp(location: v211.LocationPatch, ctx: TranslationContext, log: LossLog, mode: Mode) {
  const { type, evses, opening_times, energy_mix, ...rest } = location;
  const out: Record<string, unknown> = mode === 'object' ? { ...ownerOf(ctx), ...rest, publish: true } : { ...rest };
  if (mode === 'object') log.defaulted('publish', '2.1.1 has no publish flag and its Locations are public');

  if (type !== undefined && PARKING_TYPE_OF[type]) out.parking_type = PARKING_TYPE_OF[type];
  else if (type === 'OTHER') log.dropped('type', '2.2.1 ParkingType has no OTHER, so parking_type is left out');
  // UNKNOWN is the 2.1.1 way to say what an absent parking_type says, but a PATCH cannot remove a field.
  else if (type === 'UNKNOWN' && mode === 'patch') log.dropped('type', 'a 2.2.1 PATCH cannot remove parking_type');

  if (evses) out.evses = evses.map((evse, index) => evseUp(evse, ctx, log.at('evses').at(index), 'object'));
  if (opening_times) out.opening_times = hoursUp(opening_times, log.at('opening_times'));
  if (energy_mix) out.energy_mix = energyMixFrom211(energy_mix);
  if (mode === 'object' && location.time_zone === undefined) out.time_zone = timeZoneOf(location, ctx, log);
  if (mode === 'patch') out.last_updated = patchLastUpdated(location, ctx, log);
  return out;
}

function timeZoneOf(location: v211.LocationPatch, ctx: TranslationContext, log: LossLog): string {
  const { latitude, longitude } = location.coordinates ?? {};
  const derived = latitude && longitude ? ctx.timeZoneFor?.(latitude, longitude) : undefined;
  if (derived) {
    log.defaulted('time_zone', `required in 2.2.1; derived from the coordinates: ${derived}`);
    return derived;
  }
  log.defaulted('time_zone', `required in 2.2.1, and no time zone could be derived; ${FALLBACK_TIME_ZONE} is used`);
  return FALLBACK_TIME_ZONE;
}

/** 2.1.1 Hours give either regular_hours or twentyfourseven; 2.2.1 always needs twentyfourseven. */
function hoursUp(hours: v211.Hours, log: LossLog): v221.Hours {
  if (hours.twentyfourseven !== undefined) return hours as v221.Hours;
  const twentyfourseven = hours.regular_hours === undefined;
  const because = twentyfourseven ? 'regular_hours is absent' : 'regular_hours is given';
  log.defaulted('twentyfourseven', `required in 2.2.1; ${twentyfourseven} because ${because}`);
  return { ...hours, twentyfourseven };
}

function evseUp(evse: v211.EvsePatch, ctx: TranslationContext, log: LossLog, mode: Mode) {
  const { connectors, ...rest } = evse;
  const out: Record<string, unknown> = { ...rest };
  if (connectors) {
    out.connectors = connectors.map((connector, index) =>
      connectorUp(connector, ctx, log.at('connectors').at(index), 'object'),
    );
  }
  if (mode === 'patch') out.last_updated = patchLastUpdated(evse, ctx, log);
  return out;
}

function connectorUp(connector: v211.ConnectorPatch, ctx: TranslationContext, log: LossLog, mode: Mode) {
  const { voltage, amperage, tariff_id, ...rest } = connector;
  const out: Record<string, unknown> = { ...rest };
  if (voltage !== undefined) out.max_voltage = voltage;
  if (amperage !== undefined) out.max_amperage = amperage;
  if (tariff_id !== undefined) out.tariff_ids = [tariff_id];
  if (mode === 'patch') out.last_updated = patchLastUpdated(connector, ctx, log);
  return out;
}

// ---- 2.2.1 → 2.1.1 ----

export function locationTo211(location: v221.Location, ctx: TranslationContext): Translated<v211.Location> {
  return translated(
    (log) => conform211(v211.LocationSchema, locationDown(location, ctx, log, 'object'), log) as v211.Location,
  );
}

export function locationPatchTo211(patch: v221.LocationPatch, ctx: TranslationContext): Translated<v211.LocationPatch> {
  return translated((log) => conform211(v211.LocationPatchSchema, locationDown(patch, ctx, log, 'patch'), log));
}

/** An EVSE none of whose connectors 2.1.1 can represent comes out with an empty (invalid) connector list. */
export function evseTo211(evse: v221.Evse, ctx: TranslationContext): Translated<v211.Evse> {
  return translated((log) => conform211(v211.EvseSchema, evseDown(evse, ctx, log).value, log) as v211.Evse);
}

export function evsePatchTo211(patch: v221.EvsePatch, ctx: TranslationContext): Translated<v211.EvsePatch> {
  return translated((log) => conform211(v211.EvsePatchSchema, evseDown(patch, ctx, log).value, log));
}

/** A connector whose standard 2.1.1 lacks comes out without `standard` (invalid), and the loss says why. */
export function connectorTo211(connector: v221.Connector, ctx: TranslationContext): Translated<v211.Connector> {
  return translated(
    (log) => conform211(v211.ConnectorSchema, connectorOrStandardDropped(connector, ctx, log), log) as v211.Connector,
  );
}

export function connectorPatchTo211(
  patch: v221.ConnectorPatch,
  ctx: TranslationContext,
): Translated<v211.ConnectorPatch> {
  return translated((log) => conform211(v211.ConnectorPatchSchema, connectorOrStandardDropped(patch, ctx, log), log));
}

export function locationDown(
  location: v221.LocationPatch,
  ctx: TranslationContext,
  log: LossLog,
  mode: Mode,
): Record<string, unknown> {
  const { country_code, party_id, publish, publish_allowed_to, state, parking_type, ...kept } = location;
  const { evses, facilities, opening_times, energy_mix, ...rest } = kept;
  const out: Record<string, unknown> = { ...rest };
  dropOwner({ country_code, party_id }, ctx, log);
  if (publish === false) log.dropped('publish', '2.1.1 has no publish flag: receivers treat the Location as public');
  if (publish_allowed_to !== undefined) log.dropped('publish_allowed_to', '2.1.1 cannot limit who may see a Location');
  if (state !== undefined) log.dropped('state', '2.1.1 Locations have no state field');

  if (parking_type !== undefined) {
    out.type = LOCATION_TYPE_OF[parking_type];
    if (out.type === 'OTHER') {
      log.approximated('parking_type', `2.1.1 LocationType has no ${parking_type}; OTHER is used`);
    }
  } else if (mode === 'object') {
    out.type = 'UNKNOWN';
  }
  if (mode === 'object' && location.postal_code === undefined) {
    out.postal_code = '';
    log.defaulted('postal_code', 'required in 2.1.1; the Location has none, so an empty string is sent');
  }

  if (evses) {
    out.evses = evses.flatMap((evse, index) => {
      const evseLog = log.at('evses').at(index);
      const { value, connectorsLeft } = evseDown(evse, ctx, evseLog);
      if (connectorsLeft) return [conform211(v211.EvseSchema, value, evseLog)];
      evseLog.dropped(undefined, '2.1.1 can represent none of its connectors');
      return [];
    });
  }
  if (facilities) out.facilities = keepKnown(facilities, v211.FACILITIES, log.at('facilities'), 'Facility');
  if (opening_times) out.opening_times = opening_times;
  if (energy_mix) out.energy_mix = energyMixTo211(energy_mix);
  return out;
}

function evseDown(evse: v221.EvsePatch, ctx: TranslationContext, log: LossLog) {
  const { capabilities, connectors, ...rest } = evse;
  const out: Record<string, unknown> = { ...rest };
  if (capabilities) out.capabilities = keepKnown(capabilities, v211.CAPABILITIES, log.at('capabilities'), 'Capability');
  let connectorsLeft = true;
  if (connectors) {
    const kept = connectors.flatMap((connector, index) => {
      const connectorLog = log.at('connectors').at(index);
      const { value, unrepresentable } = connectorDown(connector, ctx, connectorLog);
      if (!unrepresentable) return [conform211(v211.ConnectorSchema, value, connectorLog)];
      connectorLog.dropped(undefined, `connector left out: ${unrepresentable}`);
      return [];
    });
    out.connectors = kept;
    connectorsLeft = kept.length > 0;
  }
  return { value: out, connectorsLeft };
}

function connectorOrStandardDropped(connector: v221.ConnectorPatch, ctx: TranslationContext, log: LossLog) {
  const { value, unrepresentable } = connectorDown(connector, ctx, log);
  if (unrepresentable) log.dropped('standard', unrepresentable);
  return value;
}

/** `unrepresentable` says why 2.1.1 cannot hold this connector at all (its standard has no 2.1.1 value). */
function connectorDown(connector: v221.ConnectorPatch, ctx: TranslationContext, log: LossLog) {
  const { standard, power_type, max_voltage, max_amperage, max_electric_power, tariff_ids, ...rest } = connector;
  const out: Record<string, unknown> = { ...rest };
  let unrepresentable: string | undefined;
  if (standard !== undefined) {
    if ((v211.CONNECTOR_TYPES as readonly string[]).includes(standard)) out.standard = standard;
    else unrepresentable = `ConnectorType ${standard} does not exist in 2.1.1`;
  }
  if (power_type === 'AC_2_PHASE' || power_type === 'AC_2_PHASE_SPLIT') {
    out.power_type = 'AC_1_PHASE';
    log.approximated('power_type', `2.1.1 has no ${power_type}; AC_1_PHASE is the nearest`);
  } else if (power_type !== undefined) {
    out.power_type = power_type;
  }
  if (max_voltage !== undefined) out.voltage = max_voltage;
  if (max_amperage !== undefined) out.amperage = max_amperage;
  if (max_electric_power !== undefined) log.dropped('max_electric_power', '2.1.1 Connectors have no such field');
  if (tariff_ids?.length) out.tariff_id = oneTariff(tariff_ids, ctx, log);
  // In a PATCH an empty list removes the tariffs, which a 2.1.1 PATCH cannot say.
  else if (tariff_ids) log.dropped('tariff_ids', '2.1.1 has no empty tariff list: tariff_id is left out');
  return { value: out, unrepresentable };
}

/** 2.1.1 has one tariff_id: the REGULAR (or untyped) tariff when the context can tell, else the first. */
function oneTariff(tariffIds: string[], ctx: TranslationContext, log: LossLog): string {
  if (tariffIds.length === 1) return tariffIds[0];
  const regular = tariffIds.find((id) => {
    const tariff = ctx.findTariff?.(id);
    return tariff !== undefined && (tariff.type === undefined || tariff.type === 'REGULAR');
  });
  const kept = regular ?? tariffIds[0];
  const others = tariffIds.filter((id) => id !== kept).join(', ');
  log.dropped('tariff_ids', `2.1.1 has a single tariff_id: kept ${kept}, dropped ${others}`);
  return kept;
}
