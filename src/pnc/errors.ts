/**
 * A refused Plug & Charge request: the HTTP status and the messages of OPCP's Error object
 * (`errorMessages`, `traceId`). Nothing is changed when one is thrown.
 */
export class PncError extends Error {
  constructor(
    readonly httpStatus: 400 | 401 | 403 | 404,
    readonly messages: string[],
  ) {
    super(messages.join('; '));
  }

  static invalid(...messages: string[]): PncError {
    return new PncError(400, messages);
  }

  static forbidden(message: string): PncError {
    return new PncError(403, [message]);
  }

  static notFound(message: string): PncError {
    return new PncError(404, [message]);
  }
}
