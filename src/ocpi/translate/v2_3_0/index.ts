/** Translators between OCPI 2.3.0 objects and the canonical 2.2.1 objects. */
export {
  connectorFrom230,
  connectorPatchFrom230,
  connectorPatchTo230,
  connectorTo230,
  evseFrom230,
  evsePatchFrom230,
  evsePatchTo230,
  evseTo230,
  locationFrom230,
  locationPatchFrom230,
  locationPatchTo230,
  locationTo230,
} from './locations.js';
export { tariffFrom230, tariffTo230 } from './tariffs.js';
export {
  authorizationInfoFrom230,
  authorizationInfoTo230,
  locationReferencesFrom230,
  locationReferencesTo230,
  tokenFrom230,
  tokenPatchFrom230,
  tokenPatchTo230,
  tokenTo230,
} from './tokens.js';
export { sessionFrom230, sessionPatchFrom230, sessionPatchTo230, sessionTo230 } from './sessions.js';
export { cdrFrom230, cdrTo230 } from './cdrs.js';
export {
  cancelReservationFrom230,
  cancelReservationTo230,
  commandResponseFrom230,
  commandResponseTo230,
  commandResultFrom230,
  commandResultTo230,
  reserveNowFrom230,
  reserveNowTo230,
  startSessionFrom230,
  startSessionTo230,
  stopSessionFrom230,
  stopSessionTo230,
  unlockConnectorFrom230,
  unlockConnectorTo230,
} from './commands.js';
export { credentialsFrom230, credentialsTo230 } from './credentials.js';
