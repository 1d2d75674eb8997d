/**
 * One entry point for every translation: any of 2.1.1, 2.2.1 and 2.3.0 to any other, through the
 * canonical 2.2.1 object. Same version in and out is the identity (the value itself, no losses).
 */
import { UnsupportedTranslationError, type Translated, type TranslationContext } from './context.js';
import * as v211 from './v2_1_1/index.js';
import * as v230 from './v2_3_0/index.js';

export const OCPI_VERSIONS = ['2.1.1', '2.2.1', '2.3.0'] as const;
export type OcpiVersion = (typeof OCPI_VERSIONS)[number];

/** The object kinds each module translates, named as in the spec (PATCH bodies as `…Patch`). */
export const OBJECT_KINDS = {
  locations: ['Location', 'EVSE', 'Connector', 'LocationPatch', 'EVSEPatch', 'ConnectorPatch'],
  tariffs: ['Tariff'],
  tokens: ['Token', 'TokenPatch', 'AuthorizationInfo', 'LocationReferences'],
  sessions: ['Session', 'SessionPatch'],
  cdrs: ['CDR'],
  commands: [
    'StartSession',
    'StopSession',
    'ReserveNow',
    'UnlockConnector',
    'CancelReservation',
    'CommandResponse',
    'CommandResult',
  ],
  credentials: ['Credentials'],
} as const;
export type TranslatableModule = keyof typeof OBJECT_KINDS;
export type ObjectKind<M extends TranslatableModule = TranslatableModule> = (typeof OBJECT_KINDS)[M][number];

/** Any of the typed translators; `never` accepts them all, the dispatcher vouches for the argument. */
type Translator = (value: never, ctx: TranslationContext) => Translated<unknown>;

/** A version's translators for one object kind: into the canonical 2.2.1 object and out of it. */
interface Edge {
  from: Translator;
  to: Translator;
}

type Edges = { [M in TranslatableModule]: { [K in ObjectKind<M>]: { '2.1.1'?: Edge; '2.3.0'?: Edge } } };

const EDGES: Edges = {
  locations: {
    Location: {
      '2.1.1': { from: v211.locationFrom211, to: v211.locationTo211 },
      '2.3.0': { from: v230.locationFrom230, to: v230.locationTo230 },
    },
    EVSE: {
      '2.1.1': { from: v211.evseFrom211, to: v211.evseTo211 },
      '2.3.0': { from: v230.evseFrom230, to: v230.evseTo230 },
    },
    Connector: {
      '2.1.1': { from: v211.connectorFrom211, to: v211.connectorTo211 },
      '2.3.0': { from: v230.connectorFrom230, to: v230.connectorTo230 },
    },
    LocationPatch: {
      '2.1.1': { from: v211.locationPatchFrom211, to: v211.locationPatchTo211 },
      '2.3.0': { from: v230.locationPatchFrom230, to: v230.locationPatchTo230 },
    },
    EVSEPatch: {
      '2.1.1': { from: v211.evsePatchFrom211, to: v211.evsePatchTo211 },
      '2.3.0': { from: v230.evsePatchFrom230, to: v230.evsePatchTo230 },
    },
    ConnectorPatch: {
      '2.1.1': { from: v211.connectorPatchFrom211, to: v211.connectorPatchTo211 },
      '2.3.0': { from: v230.connectorPatchFrom230, to: v230.connectorPatchTo230 },
    },
  },
  tariffs: {
    Tariff: {
      '2.1.1': { from: v211.tariffFrom211, to: v211.tariffTo211 },
      '2.3.0': { from: v230.tariffFrom230, to: v230.tariffTo230 },
    },
  },
  tokens: {
    Token: {
      '2.1.1': { from: v211.tokenFrom211, to: v211.tokenTo211 },
      '2.3.0': { from: v230.tokenFrom230, to: v230.tokenTo230 },
    },
    TokenPatch: {
      '2.1.1': { from: v211.tokenPatchFrom211, to: v211.tokenPatchTo211 },
      '2.3.0': { from: v230.tokenPatchFrom230, to: v230.tokenPatchTo230 },
    },
    AuthorizationInfo: {
      '2.1.1': { from: v211.authorizationInfoFrom211, to: v211.authorizationInfoTo211 },
      '2.3.0': { from: v230.authorizationInfoFrom230, to: v230.authorizationInfoTo230 },
    },
    LocationReferences: {
      '2.1.1': { from: v211.locationReferencesFrom211, to: v211.locationReferencesTo211 },
      '2.3.0': { from: v230.locationReferencesFrom230, to: v230.locationReferencesTo230 },
    },
  },
  sessions: {
    Session: {
      '2.1.1': { from: v211.sessionFrom211, to: v211.sessionTo211 },
      '2.3.0': { from: v230.sessionFrom230, to: v230.sessionTo230 },
    },
    SessionPatch: {
      '2.1.1': { from: v211.sessionPatchFrom211, to: v211.sessionPatchTo211 },
      '2.3.0': { from: v230.sessionPatchFrom230, to: v230.sessionPatchTo230 },
    },
  },
  cdrs: {
    CDR: {
      '2.1.1': { from: v211.cdrFrom211, to: v211.cdrTo211 },
      '2.3.0': { from: v230.cdrFrom230, to: v230.cdrTo230 },
    },
  },
  commands: {
    StartSession: {
      '2.1.1': { from: v211.startSessionFrom211, to: v211.startSessionTo211 },
      '2.3.0': { from: v230.startSessionFrom230, to: v230.startSessionTo230 },
    },
    StopSession: {
      '2.1.1': { from: v211.stopSessionFrom211, to: v211.stopSessionTo211 },
      '2.3.0': { from: v230.stopSessionFrom230, to: v230.stopSessionTo230 },
    },
    ReserveNow: {
      '2.1.1': { from: v211.reserveNowFrom211, to: v211.reserveNowTo211 },
      '2.3.0': { from: v230.reserveNowFrom230, to: v230.reserveNowTo230 },
    },
    UnlockConnector: {
      '2.1.1': { from: v211.unlockConnectorFrom211, to: v211.unlockConnectorTo211 },
      '2.3.0': { from: v230.unlockConnectorFrom230, to: v230.unlockConnectorTo230 },
    },
    // 2.1.1 has no CANCEL_RESERVATION; the hub answers NOT_SUPPORTED for a 2.1.1 CPO.
    CancelReservation: {
      '2.3.0': { from: v230.cancelReservationFrom230, to: v230.cancelReservationTo230 },
    },
    // 2.1.1 sends both the immediate answer and the asynchronous result as a CommandResponse.
    CommandResponse: {
      '2.1.1': { from: v211.commandResponseFrom211, to: v211.commandResponseTo211 },
      '2.3.0': { from: v230.commandResponseFrom230, to: v230.commandResponseTo230 },
    },
    CommandResult: {
      '2.1.1': { from: v211.commandResultFrom211, to: v211.commandResultTo211 },
      '2.3.0': { from: v230.commandResultFrom230, to: v230.commandResultTo230 },
    },
  },
  credentials: {
    Credentials: {
      '2.1.1': { from: v211.credentialsFrom211, to: v211.credentialsTo211 },
      '2.3.0': { from: v230.credentialsFrom230, to: v230.credentialsTo230 },
    },
  },
};

export { UnsupportedTranslationError } from './context.js';

/**
 * Translates `value`, a `kind` object of `module` in version `from`, into version `to`. Losses of both
 * steps are concatenated: the first step's paths point into `value`, the second's into the canonical
 * object. Throws UnsupportedTranslationError for a kind the version lacks (CancelReservation in 2.1.1).
 */
export function translate<M extends TranslatableModule>(
  module: M,
  kind: ObjectKind<M>,
  from: OcpiVersion,
  to: OcpiVersion,
  value: unknown,
  ctx: TranslationContext,
): Translated<unknown> {
  if (from === to) return { value, losses: [] };
  const edges = (EDGES[module] as Record<string, { '2.1.1'?: Edge; '2.3.0'?: Edge } | undefined>)[kind];
  if (!edges) throw new UnsupportedTranslationError(`${module} has no object kind ${kind}`);
  const edgeOf = (version: OcpiVersion): Edge => {
    if (version === '2.2.1') return CANONICAL;
    const edge = edges[version];
    if (!edge) throw new UnsupportedTranslationError(`${kind} does not exist in OCPI ${version}`);
    return edge;
  };
  const up = run(edgeOf(from).from, value, ctx);
  const down = run(edgeOf(to).to, up.value, ctx);
  return { value: down.value, losses: [...up.losses, ...down.losses] };
}

const unchanged: Translator = (value) => ({ value, losses: [] });
const CANONICAL: Edge = { from: unchanged, to: unchanged };

function run(translator: Translator, value: unknown, ctx: TranslationContext): Translated<unknown> {
  return (translator as (value: unknown, ctx: TranslationContext) => Translated<unknown>)(value, ctx);
}
