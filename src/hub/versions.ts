import type { OcpiVersion } from '../ocpi/translate/index.js';

/**
 * The OCPI versions the hub speaks, in the order it prefers them when it chooses: 2.2.1 first,
 * because it is the hub's canonical model and loses nothing; then 2.3.0, then 2.1.1.
 */
export const SUPPORTED_VERSIONS: readonly OcpiVersion[] = ['2.2.1', '2.3.0', '2.1.1'];
