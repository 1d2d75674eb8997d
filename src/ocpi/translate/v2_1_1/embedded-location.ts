/**
 * 2.1.1 Sessions and CDRs embed a whole Location with just the EVSE and connector used; 2.2.1 Sessions
 * keep only references (location_id, evse_uid, connector_id) and CDRs a flat CdrLocation. Going to
 * 2.1.1 the Location is rebuilt from the hub's store; coming from 2.1.1 the snapshot is compared with
 * that rebuild, and reported as lost where the two differ.
 */
import * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { differences } from '../diff.js';
import { LossLog, type TranslationContext } from '../context.js';
import { conform211 } from './conform.js';
import { locationDown } from './locations.js';

export interface LocationRefs {
  location_id: string;
  evse_uid: string;
  connector_id: string;
}

/** Where the 2.1.1 EVSE and connector come from when the store has no such Location, EVSE or connector. */
export const PLACEHOLDER = {
  address: '',
  city: '',
  country: '',
  coordinates: { latitude: '0.000000', longitude: '0.000000' },
  evseStatus: 'UNKNOWN',
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  powerType: 'AC_3_PHASE',
  voltage: 0,
  amperage: 0,
} as const;

/**
 * The 2.1.1 Location for a Session or CDR: the stored Location with only the referenced EVSE and
 * connector, with the CDR's own location data laid over it. Losses of the downgrade go to `log`.
 */
export function embeddedLocation211(
  refs: LocationRefs,
  ctx: TranslationContext,
  log: LossLog,
  lastUpdated: string,
  cdrLocation?: v221.CdrLocation,
): v211.Location {
  const stored = ctx.findLocation(refs.location_id);
  const storedEvse = stored?.evses?.find((evse) => sameId(evse.uid, refs.evse_uid));
  const storedConnector = storedEvse?.connectors.find((connector) => sameId(connector.id, refs.connector_id));
  if (!storedConnector) {
    const missing = !stored
      ? `Location ${refs.location_id}`
      : !storedEvse
        ? `EVSE ${refs.evse_uid}`
        : `connector ${refs.connector_id}`;
    log.defaulted(undefined, `${missing} is not in the hub's store: placeholders fill what 2.1.1 requires`);
  }
  const connector: v221.Connector = storedConnector ?? {
    id: refs.connector_id,
    standard: PLACEHOLDER.standard,
    format: PLACEHOLDER.format,
    power_type: PLACEHOLDER.powerType,
    max_voltage: PLACEHOLDER.voltage,
    max_amperage: PLACEHOLDER.amperage,
    last_updated: lastUpdated,
  };
  const evse: v221.Evse = { ...(storedEvse ?? placeholderEvse(refs, lastUpdated)), connectors: [connector] };
  const location: v221.Location = { ...(stored ?? placeholderLocation(refs, ctx, lastUpdated)), evses: [evse] };
  const down = locationDown(cdrLocation ? overlay(location, cdrLocation) : location, ctx, log, 'object');
  return conform211(v211.LocationSchema, down, log) as v211.Location;
}

/** Reports the embedded snapshot as lost where it differs from what `embeddedLocation211` gives back. */
export function checkSnapshot(
  snapshot: v211.Location,
  refs: LocationRefs,
  ctx: TranslationContext,
  log: LossLog,
  cdrLocation?: v221.CdrLocation,
): void {
  const rebuilt = embeddedLocation211(refs, ctx, new LossLog(), snapshot.last_updated, cdrLocation);
  const differing = differences(snapshot, rebuilt).map((path) => path.replace(/^\$/, 'location'));
  if (differing.length === 0) return;
  const listed = differing.slice(0, 5).join(', ') + (differing.length > 5 ? ', …' : '');
  log.dropped(undefined, `2.2.1 keeps only references; the Location the hub would send back differs at ${listed}`);
}

/** The EVSE and connector a 2.1.1 Session or CDR names: the first of each (2.1.1 sends only those). */
export function refsOf(location: v211.Location, log: LossLog): LocationRefs {
  const evse = location.evses?.[0];
  const connector = evse?.connectors[0];
  if ((location.evses?.length ?? 0) > 1 || (evse?.connectors.length ?? 0) > 1) {
    log.approximated('evses', 'more than one EVSE or connector: the first ones are taken as the ones used');
  }
  if (!evse || !connector) log.defaulted('evses', 'no EVSE or connector given: their ids are empty');
  return { location_id: location.id, evse_uid: evse?.uid ?? '', connector_id: connector?.id ?? '' };
}

function placeholderLocation(refs: LocationRefs, ctx: TranslationContext, lastUpdated: string): v221.Location {
  return {
    country_code: ctx.owner.countryCode,
    party_id: ctx.owner.partyId,
    id: refs.location_id,
    publish: true,
    address: PLACEHOLDER.address,
    city: PLACEHOLDER.city,
    postal_code: '',
    country: PLACEHOLDER.country,
    coordinates: PLACEHOLDER.coordinates,
    time_zone: 'UTC',
    last_updated: lastUpdated,
  };
}

/** Ids are CiStrings: compared case-insensitively. */
function sameId(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

function placeholderEvse(refs: LocationRefs, lastUpdated: string): v221.Evse {
  return { uid: refs.evse_uid, status: PLACEHOLDER.evseStatus, connectors: [], last_updated: lastUpdated };
}

/**
 * A CdrLocation describes the Location at the time of the CDR, so its fields win over the stored ones;
 * its optional name, postal_code and state replace the stored ones even when absent.
 */
function overlay(location: v221.Location, cdr: v221.CdrLocation): v221.Location {
  const { name, postal_code, state, ...base } = location;
  const [evse] = location.evses ?? [];
  const [connector] = evse.connectors;
  return {
    ...base,
    ...(cdr.name !== undefined && { name: cdr.name }),
    ...(cdr.postal_code !== undefined && { postal_code: cdr.postal_code }),
    ...(cdr.state !== undefined && { state: cdr.state }),
    address: cdr.address,
    city: cdr.city,
    country: cdr.country,
    coordinates: cdr.coordinates,
    evses: [
      {
        ...evse,
        evse_id: cdr.evse_id,
        connectors: [
          {
            ...connector,
            standard: cdr.connector_standard,
            format: cdr.connector_format,
            power_type: cdr.connector_power_type,
          },
        ],
      },
    ],
  };
}
