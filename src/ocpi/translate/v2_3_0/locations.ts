/**
 * Locations 2.3.0 ⇄ 2.2.1. 2.3.0 only added to Locations, so 2.2.1 → 2.3.0 is a copy. The other way
 * drops what 2.2.1 lacks (help_phone, parking places, EVSE parking and accepted service providers,
 * connector capabilities) and OpenEnum values 2.2.1 does not know; a connector whose standard 2.2.1
 * does not know is left out of its EVSE (an EVSE left without connectors, of its Location).
 */
import * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { keepKnown, translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import {
  businessDetailsFrom230,
  energyMixFrom230,
  imagesFrom230,
  known,
  tokenTypeFrom230,
  widened,
} from './common.js';

export function locationFrom230(location: v230.Location, _ctx: TranslationContext): Translated<v221.Location> {
  return translated((log) => locationDown(location, log) as v221.Location);
}

export function locationPatchFrom230(
  patch: v230.LocationPatch,
  _ctx: TranslationContext,
): Translated<v221.LocationPatch> {
  return translated((log) => locationDown(patch, log) as v221.LocationPatch);
}

/** An EVSE none of whose connectors 2.2.1 can represent comes out with an empty (invalid) connector list. */
export function evseFrom230(evse: v230.Evse, _ctx: TranslationContext): Translated<v221.Evse> {
  return translated((log) => evseDown(evse, log).value as v221.Evse);
}

export function evsePatchFrom230(patch: v230.EvsePatch, _ctx: TranslationContext): Translated<v221.EvsePatch> {
  return translated((log) => evseDown(patch, log).value as v221.EvsePatch);
}

/** A connector whose standard 2.2.1 lacks comes out without `standard` (invalid), and the loss says why. */
export function connectorFrom230(connector: v230.Connector, _ctx: TranslationContext): Translated<v221.Connector> {
  return translated((log) => connectorOrStandardDropped(connector, log) as v221.Connector);
}

export function connectorPatchFrom230(
  patch: v230.ConnectorPatch,
  _ctx: TranslationContext,
): Translated<v221.ConnectorPatch> {
  return translated((log) => connectorOrStandardDropped(patch, log) as v221.ConnectorPatch);
}

export function locationTo230(location: v221.Location, _ctx: TranslationContext): Translated<v230.Location> {
  return translated(() => widened(location));
}

export function locationPatchTo230(
  patch: v221.LocationPatch,
  _ctx: TranslationContext,
): Translated<v230.LocationPatch> {
  return translated(() => widened(patch));
}

export function evseTo230(evse: v221.Evse, _ctx: TranslationContext): Translated<v230.Evse> {
  return translated(() => widened(evse));
}

export function evsePatchTo230(patch: v221.EvsePatch, _ctx: TranslationContext): Translated<v230.EvsePatch> {
  return translated(() => widened(patch));
}

export function connectorTo230(connector: v221.Connector, _ctx: TranslationContext): Translated<v230.Connector> {
  return translated(() => widened(connector));
}

export function connectorPatchTo230(
  patch: v221.ConnectorPatch,
  _ctx: TranslationContext,
): Translated<v230.ConnectorPatch> {
  return translated(() => widened(patch));
}

function locationDown(location: v230.LocationPatch, log: LossLog): Record<string, unknown> {
  const {
    help_phone,
    parking_places,
    parking_type,
    publish_allowed_to,
    evses,
    operator,
    suboperator,
    owner,
    facilities,
    images,
    energy_mix,
    ...rest
  } = location;
  const out: Record<string, unknown> = { ...rest };
  if (help_phone !== undefined) log.dropped('help_phone', '2.2.1 Locations have no help_phone');
  if (parking_places !== undefined) log.dropped('parking_places', '2.2.1 has no Parking objects');
  if (parking_type !== undefined) {
    if (known(v221.PARKING_TYPES, parking_type)) out.parking_type = parking_type;
    else log.dropped('parking_type', `2.2.1 ParkingType has no ${parking_type}`);
  }
  if (publish_allowed_to) {
    out.publish_allowed_to = publish_allowed_to.map(({ type, ...token }, index) => {
      if (type === undefined) return token;
      return { ...token, type: tokenTypeFrom230(type, log.at('publish_allowed_to').at(index).at('type')) };
    });
  }
  if (evses) {
    out.evses = evses.flatMap((evse, index) => {
      const evseLog = log.at('evses').at(index);
      const { value, connectorsLeft } = evseDown(evse, evseLog);
      if (connectorsLeft) return [value];
      evseLog.dropped(undefined, '2.2.1 can represent none of its connectors');
      return [];
    });
  }
  if (operator) out.operator = businessDetailsFrom230(operator, log.at('operator'));
  if (suboperator) out.suboperator = businessDetailsFrom230(suboperator, log.at('suboperator'));
  if (owner) out.owner = businessDetailsFrom230(owner, log.at('owner'));
  if (facilities) out.facilities = keepKnown(facilities, v221.FACILITIES, log.at('facilities'), 'Facility');
  if (images) out.images = imagesFrom230(images, log.at('images'));
  if (energy_mix) out.energy_mix = energyMixFrom230(energy_mix, log.at('energy_mix'));
  return out;
}

function evseDown(evse: v230.EvsePatch, log: LossLog) {
  const { capabilities, connectors, parking_restrictions, parking, images, accepted_service_providers, ...rest } = evse;
  const out: Record<string, unknown> = { ...rest };
  if (capabilities) out.capabilities = keepKnown(capabilities, v221.CAPABILITIES, log.at('capabilities'), 'Capability');
  if (parking_restrictions) {
    const restrictionsLog = log.at('parking_restrictions');
    const kept = keepKnown(parking_restrictions, v221.PARKING_RESTRICTIONS, restrictionsLog, 'ParkingRestriction');
    out.parking_restrictions = kept;
  }
  if (parking !== undefined) log.dropped('parking', '2.2.1 has no Parking objects to refer to');
  if (accepted_service_providers !== undefined) {
    log.dropped('accepted_service_providers', '2.2.1 EVSEs have no accepted_service_providers');
  }
  if (images) out.images = imagesFrom230(images, log.at('images'));
  let connectorsLeft = true;
  if (connectors) {
    const kept = connectors.flatMap((connector, index) => {
      const connectorLog = log.at('connectors').at(index);
      const { value, unrepresentable } = connectorDown(connector, connectorLog);
      if (!unrepresentable) return [value];
      connectorLog.dropped(undefined, `connector left out: ${unrepresentable}`);
      return [];
    });
    out.connectors = kept;
    connectorsLeft = kept.length > 0;
  }
  return { value: out, connectorsLeft };
}

function connectorOrStandardDropped(connector: v230.ConnectorPatch, log: LossLog) {
  const { value, unrepresentable } = connectorDown(connector, log);
  if (unrepresentable) log.dropped('standard', unrepresentable);
  return value;
}

function connectorDown(connector: v230.ConnectorPatch, log: LossLog) {
  const { standard, capabilities, ...rest } = connector;
  const out: Record<string, unknown> = { ...rest };
  let unrepresentable: string | undefined;
  if (standard !== undefined) {
    if (known(v221.CONNECTOR_TYPES, standard)) out.standard = standard;
    else unrepresentable = `ConnectorType ${standard} does not exist in 2.2.1`;
  }
  if (capabilities !== undefined) log.dropped('capabilities', '2.2.1 Connectors have no capabilities');
  return { value: out, unrepresentable };
}
