import type { TSchema } from '@sinclair/typebox';
import type { ObjectKind, OcpiVersion } from './translate/dispatch.js';
import * as v211 from './v2_1_1/index.js';
import * as v221 from './v2_2_1/index.js';
import * as v230 from './v2_3_0/index.js';

/** The schema of each object kind in each version; a kind a version lacks has none. */
const SCHEMAS: Record<OcpiVersion, Partial<Record<ObjectKind, TSchema>>> = {
  '2.1.1': {
    Location: v211.LocationSchema,
    EVSE: v211.EvseSchema,
    Connector: v211.ConnectorSchema,
    LocationPatch: v211.LocationPatchSchema,
    EVSEPatch: v211.EvsePatchSchema,
    ConnectorPatch: v211.ConnectorPatchSchema,
    Tariff: v211.TariffSchema,
    Token: v211.TokenSchema,
    TokenPatch: v211.TokenPatchSchema,
    AuthorizationInfo: v211.AuthorizationInfoSchema,
    LocationReferences: v211.LocationReferencesSchema,
    Session: v211.SessionSchema,
    SessionPatch: v211.SessionPatchSchema,
    CDR: v211.CdrSchema,
    StartSession: v211.StartSessionSchema,
    StopSession: v211.StopSessionSchema,
    ReserveNow: v211.ReserveNowSchema,
    UnlockConnector: v211.UnlockConnectorSchema,
    // 2.1.1 has one CommandResponse for the answer and for the later result.
    CommandResponse: v211.CommandResponseSchema,
    CommandResult: v211.CommandResponseSchema,
    Credentials: v211.CredentialsSchema,
  },
  '2.2.1': {
    Location: v221.LocationSchema,
    EVSE: v221.EvseSchema,
    Connector: v221.ConnectorSchema,
    LocationPatch: v221.LocationPatchSchema,
    EVSEPatch: v221.EvsePatchSchema,
    ConnectorPatch: v221.ConnectorPatchSchema,
    Tariff: v221.TariffSchema,
    Token: v221.TokenSchema,
    TokenPatch: v221.TokenPatchSchema,
    AuthorizationInfo: v221.AuthorizationInfoSchema,
    LocationReferences: v221.LocationReferencesSchema,
    Session: v221.SessionSchema,
    SessionPatch: v221.SessionPatchSchema,
    CDR: v221.CdrSchema,
    StartSession: v221.StartSessionSchema,
    StopSession: v221.StopSessionSchema,
    ReserveNow: v221.ReserveNowSchema,
    UnlockConnector: v221.UnlockConnectorSchema,
    CancelReservation: v221.CancelReservationSchema,
    CommandResponse: v221.CommandResponseSchema,
    CommandResult: v221.CommandResultSchema,
    Credentials: v221.CredentialsSchema,
  },
  '2.3.0': {
    Location: v230.LocationSchema,
    EVSE: v230.EvseSchema,
    Connector: v230.ConnectorSchema,
    LocationPatch: v230.LocationPatchSchema,
    EVSEPatch: v230.EvsePatchSchema,
    ConnectorPatch: v230.ConnectorPatchSchema,
    Tariff: v230.TariffSchema,
    Token: v230.TokenSchema,
    TokenPatch: v230.TokenPatchSchema,
    AuthorizationInfo: v230.AuthorizationInfoSchema,
    LocationReferences: v230.LocationReferencesSchema,
    Session: v230.SessionSchema,
    SessionPatch: v230.SessionPatchSchema,
    CDR: v230.CdrSchema,
    StartSession: v230.StartSessionSchema,
    StopSession: v230.StopSessionSchema,
    ReserveNow: v230.ReserveNowSchema,
    UnlockConnector: v230.UnlockConnectorSchema,
    CancelReservation: v230.CancelReservationSchema,
    CommandResponse: v230.CommandResponseSchema,
    CommandResult: v230.CommandResultSchema,
    Credentials: v230.CredentialsSchema,
  },
};

export function schemaOf(version: OcpiVersion, kind: ObjectKind): TSchema | undefined {
  return SCHEMAS[version][kind];
}

/** The kind of the object a push carries, from its module, method and path below the module URL. */
export function pushedKind(module: string, method: string, path: string): ObjectKind | undefined {
  const depth = path.split('?')[0].split('/').filter(Boolean).length;
  const patch = method === 'PATCH';
  switch (module) {
    case 'locations': {
      const level = depth <= 3 ? 'Location' : depth === 4 ? 'EVSE' : 'Connector';
      return `${level}${patch ? 'Patch' : ''}` as ObjectKind;
    }
    case 'tariffs':
      return method === 'PUT' ? 'Tariff' : undefined;
    case 'tokens':
      return patch ? 'TokenPatch' : 'Token';
    case 'sessions':
      return patch ? 'SessionPatch' : 'Session';
    case 'cdrs':
      return 'CDR';
    case 'commands':
      return 'CommandResult';
    default:
      return undefined;
  }
}
