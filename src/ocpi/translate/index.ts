/**
 * Translation between OCPI versions at the hub's edge: 2.1.1 and 2.3.0 objects to and from the canonical
 * 2.2.1 objects, reporting every field that does not map. See README.md for the rules and defaults.
 */
export type { Loss, LossKind, PartyRef, Translated, TranslationContext } from './context.js';
export * from './dispatch.js';
export * from './money.js';
export * from './v2_1_1/index.js';
export * from './v2_3_0/index.js';
