import { OcpiStatus, type OcpiStatusCode } from './status.js';
import { ocpiTimestamp } from './time.js';

/** The body of every OCPI response. */
export interface OcpiEnvelope<T = unknown> {
  data?: T;
  status_code: OcpiStatusCode;
  status_message?: string;
  timestamp: string;
}

export function success<T>(data?: T, message?: string): OcpiEnvelope<T> {
  return envelope(OcpiStatus.SUCCESS, data, message);
}

export function envelope<T>(statusCode: OcpiStatusCode, data?: T, message?: string): OcpiEnvelope<T> {
  const body: OcpiEnvelope<T> = { status_code: statusCode, timestamp: ocpiTimestamp() };
  if (data !== undefined) body.data = data;
  if (message !== undefined) body.status_message = message;
  return body;
}

/** A success envelope around data that is already JSON text (a page of stored objects). */
export function rawEnvelope(jsonItems: string[]): string {
  return `{"status_code":${OcpiStatus.SUCCESS},"timestamp":"${ocpiTimestamp()}","data":[${jsonItems.join(',')}]}`;
}

export function isEnvelope(value: unknown): value is OcpiEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as OcpiEnvelope).status_code === 'number';
}
