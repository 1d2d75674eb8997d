import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { Platform } from '../hub/registry.js';

/** A partner's pin: the SHA-256 fingerprint of its client certificate, or the CA (PEM) that issues it. */
export interface ClientCertificatePin {
  sha256?: string;
  ca?: string;
}

/** "AB:CD:…" or "abcd…": compared as bare lowercase hex. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/:/g, '').toLowerCase();
}

/**
 * Whether the request's connection satisfies the partner's pin (true when it has none): TLS, a
 * client certificate presented and proven (the handshake checks the client holds its key), and that
 * certificate either has the pinned fingerprint or was issued and signed by the pinned CA, and is
 * within its validity period.
 */
export function presentsPinnedCertificate(request: FastifyRequest, platform: Platform): boolean {
  const pin = platform.clientCertificate;
  if (!pin) return true;
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerX509Certificate !== 'function') return false;
  const presented = socket.getPeerX509Certificate();
  if (!presented) return false;
  if (pin.sha256) return normalizeFingerprint(presented.fingerprint256) === normalizeFingerprint(pin.sha256);
  if (!pin.ca) return false;
  const now = Date.now();
  if (Date.parse(presented.validFrom) > now || Date.parse(presented.validTo) < now) return false;
  try {
    const ca = new X509Certificate(pin.ca);
    return presented.checkIssued(ca) && presented.verify(ca.publicKey);
  } catch {
    return false;
  }
}
