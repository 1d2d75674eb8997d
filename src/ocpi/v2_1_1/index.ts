/** OCPI 2.1.1 object schemas (TypeBox), one module per spec chapter. */
export * from './types.js';
export * from './locations.js';
export * from './tariffs.js';
export * from './tokens.js';
export * from './sessions.js';
export * from './cdrs.js';
export * from './commands.js';
export * from './credentials.js';
export * from './versions.js';
