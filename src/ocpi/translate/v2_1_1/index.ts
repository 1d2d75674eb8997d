/** Translators between OCPI 2.1.1 objects and the canonical 2.2.1 objects. */
export {
  connectorFrom211,
  connectorPatchFrom211,
  connectorPatchTo211,
  connectorTo211,
  evseFrom211,
  evsePatchFrom211,
  evsePatchTo211,
  evseTo211,
  FALLBACK_TIME_ZONE,
  locationFrom211,
  locationPatchFrom211,
  locationPatchTo211,
  locationTo211,
} from './locations.js';
export { mergeTariffPatch211, tariffFrom211, tariffTo211 } from './tariffs.js';
export {
  authorizationInfoFrom211,
  authorizationInfoTo211,
  locationReferencesFrom211,
  locationReferencesTo211,
  tokenFrom211,
  tokenPatchFrom211,
  tokenPatchTo211,
  tokenTo211,
  UNKNOWN_ISSUER,
} from './tokens.js';
export { sessionFrom211, sessionPatchFrom211, sessionPatchTo211, sessionTo211, UNKNOWN_PARTY } from './sessions.js';
export { cdrFrom211, cdrTo211, UNKNOWN_EVSE_ID } from './cdrs.js';
export {
  commandResponseFrom211,
  commandResponseTo211,
  commandResultFrom211,
  commandResultTo211,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  reserveNowFrom211,
  reserveNowTo211,
  startSessionFrom211,
  startSessionTo211,
  stopSessionFrom211,
  stopSessionTo211,
  unlockConnectorFrom211,
  unlockConnectorTo211,
} from './commands.js';
export { credentialsFrom211, credentialsTo211, DEFAULT_ROLE } from './credentials.js';
export { PLACEHOLDER as PLACEHOLDER_LOCATION_211 } from './embedded-location.js';
