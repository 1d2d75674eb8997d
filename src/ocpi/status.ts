/** OCPI status codes (status_codes.asciidoc): 1xxx success, 2xxx client, 3xxx server, 4xxx hub. */
export const OcpiStatus = {
  SUCCESS: 1000,
  CLIENT_ERROR: 2000,
  INVALID_PARAMETERS: 2001,
  NOT_ENOUGH_INFORMATION: 2002,
  UNKNOWN_LOCATION: 2003,
  UNKNOWN_TOKEN: 2004,
  SERVER_ERROR: 3000,
  UNABLE_TO_USE_CLIENT_API: 3001,
  UNSUPPORTED_VERSION: 3002,
  NO_MATCHING_ENDPOINTS: 3003,
  HUB_ERROR: 4000,
  UNKNOWN_RECEIVER: 4001,
  TIMEOUT_ON_FORWARDED_REQUEST: 4002,
  CONNECTION_PROBLEM: 4003,
} as const;

export type OcpiStatusCode = number;

/**
 * A failure to report to the caller in an OCPI envelope. `httpStatus` is 200 unless the spec asks
 * for an HTTP error (400 unparseable, 401 unknown token, 404 unknown object, 405 wrong method).
 */
export class OcpiError extends Error {
  constructor(
    readonly statusCode: OcpiStatusCode,
    message: string,
    readonly httpStatus = 200,
    /** The JSON path at fault in the request body, when there is one. */
    readonly path?: string,
  ) {
    super(message);
    this.name = 'OcpiError';
  }

  static invalid(message: string, path?: string): OcpiError {
    return new OcpiError(OcpiStatus.INVALID_PARAMETERS, path ? `${path}: ${message}` : message, 200, path);
  }

  static unauthorized(message = 'Missing or unknown credentials token'): OcpiError {
    return new OcpiError(OcpiStatus.CLIENT_ERROR, message, 401);
  }

  static notFound(message: string, statusCode: OcpiStatusCode = OcpiStatus.CLIENT_ERROR): OcpiError {
    return new OcpiError(statusCode, message, 404);
  }

  static methodNotAllowed(message: string): OcpiError {
    return new OcpiError(OcpiStatus.CLIENT_ERROR, message, 405);
  }
}
