import type { ObjectData } from './objects.js';

/**
 * Applies a push at any level of a Location (location, EVSE, connector) to the stored Location.
 * A change below a Location also sets the parents' `last_updated` to the child's, as the
 * Receiver must (mod_locations: PUT/PATCH). Returns undefined when a parent is missing.
 */
export function applyLocationChange(
  location: ObjectData | undefined,
  change: { method: 'PUT' | 'PATCH'; evseUid?: string; connectorId?: string; body: ObjectData },
): ObjectData | undefined {
  const { method, evseUid, connectorId, body } = change;
  if (!evseUid) return method === 'PUT' ? body : location && { ...location, ...body };
  if (!location) return undefined;

  const evses = [...((location.evses as ObjectData[] | undefined) ?? [])];
  const evseIndex = evses.findIndex((e) => sameId(e.uid, evseUid));
  let evse: ObjectData;
  if (!connectorId) {
    if (method === 'PATCH' && evseIndex < 0) return undefined;
    evse = method === 'PUT' ? body : { ...evses[evseIndex], ...body };
  } else {
    if (evseIndex < 0) return undefined;
    const parent = evses[evseIndex];
    const connectors = [...((parent.connectors as ObjectData[] | undefined) ?? [])];
    const connectorIndex = connectors.findIndex((c) => sameId(c.id, connectorId));
    if (method === 'PATCH' && connectorIndex < 0) return undefined;
    const connector = method === 'PUT' ? body : { ...connectors[connectorIndex], ...body };
    replaceOrAppend(connectors, connectorIndex, connector);
    evse = { ...parent, connectors, last_updated: latest(parent.last_updated, connector.last_updated) };
  }
  replaceOrAppend(evses, evseIndex, evse);
  return { ...location, evses, last_updated: latest(location.last_updated, evse.last_updated) };
}

/** Finds an EVSE or connector inside a stored Location, for GETs below the Location level. */
export function locationPart(location: ObjectData, evseUid?: string, connectorId?: string): ObjectData | undefined {
  if (!evseUid) return location;
  const evse = (location.evses as ObjectData[] | undefined)?.find((e) => sameId(e.uid, evseUid));
  if (!evse || !connectorId) return evse;
  return (evse.connectors as ObjectData[] | undefined)?.find((c) => sameId(c.id, connectorId));
}

function replaceOrAppend(list: ObjectData[], index: number, item: ObjectData): void {
  if (index >= 0) list[index] = item;
  else list.push(item);
}

/** OCPI ids are CiString: compared without regard to case. */
function sameId(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.toUpperCase() === b.toUpperCase();
}

function latest(a: unknown, b: unknown): string | undefined {
  if (typeof a !== 'string') return typeof b === 'string' ? b : undefined;
  if (typeof b !== 'string') return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
