/** The OCPI versions the hub speaks, best first. */
export const SUPPORTED_VERSIONS = ['2.2.1'] as const;
