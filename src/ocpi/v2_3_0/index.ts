/**
 * OCPI 2.3.0 object schemas (TypeBox), one module per spec chapter. Each module defines what 2.3.0
 * changed and re-exports the unchanged 2.2.1 schemas, so this index is the whole 2.3.0 model.
 */
export * from './types.js';
export * from './locations.js';
export * from './tariffs.js';
export * from './tokens.js';
export * from './sessions.js';
export * from './cdrs.js';
export * from './commands.js';
export * from './chargingprofiles.js';
export * from './credentials.js';
export * from './versions.js';
export * from './hubclientinfo.js';
export * from './payments.js';
export * from './invoicereconciliation.js';
