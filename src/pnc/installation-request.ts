import { isPcid } from './emaid.js';
import { PncError } from './errors.js';
import { commonName, type Certificate } from './certificates.js';
import * as x509 from './x509.js';

/**
 * The vehicle behind an ISO 15118-2 CertificateInstallationReq (base64 EXI, as OPCP's
 * getSignedContractData carries it). The request's only certificate is the OEM provisioning
 * certificate, whose common name is the PCID. EXI packs bits, so its DER bytes may start at any
 * bit: the hub looks for a DER certificate at each of the eight bit alignments instead of decoding
 * the whole EXI grammar.
 */
export function provisioningCertificateOf(base64Exi: string): { certificate: Certificate; pcid: string } {
  const stream = Buffer.from(base64Exi, 'base64');
  if (stream.length === 0) throw PncError.invalid('certificateInstallationReq: base64 EXI is required');
  for (let shift = 0; shift < 8; shift++) {
    const bytes = shift === 0 ? stream : shifted(stream, shift);
    for (let at = bytes.indexOf(0x30); at >= 0 && at + 4 <= bytes.length; at = bytes.indexOf(0x30, at + 1)) {
      const found = certificateAt(bytes, at);
      const pcid = found && commonName(found);
      if (found && pcid && isPcid(pcid)) return { certificate: found, pcid: pcid.toUpperCase() };
    }
  }
  throw PncError.invalid('certificateInstallationReq holds no OEM provisioning certificate with a PCID');
}

/** The stream read from `shift` bits in, as bytes. */
function shifted(stream: Buffer, shift: number): Buffer {
  const out = Buffer.alloc(stream.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = ((stream[i] << shift) | (stream[i + 1] >> (8 - shift))) & 0xff;
  return out;
}

/** A DER certificate starting at `at`: a SEQUENCE with a one- or two-byte long-form length. */
function certificateAt(bytes: Buffer, at: number): Certificate | undefined {
  const form = bytes[at + 1];
  if (form !== 0x81 && form !== 0x82) return undefined;
  const header = form === 0x81 ? 3 : 4;
  const end = at + header + (form === 0x81 ? bytes[at + 2] : bytes.readUInt16BE(at + 2));
  if (end > bytes.length) return undefined;
  try {
    return new x509.X509Certificate(new Uint8Array(bytes.subarray(at, end)));
  } catch {
    return undefined;
  }
}
