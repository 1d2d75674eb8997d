/**
 * The `Authorization: Token …` header. 2.2.1 sends the token base64-encoded; many 2.1.1 and early
 * 2.2 platforms send it raw, so a receiver tries both readings.
 */
export function tokenCandidates(authorization: string | undefined): string[] {
  const match = /^Token\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return [];
  const raw = match[1];
  const decoded = decodeBase64Token(raw);
  return decoded && decoded !== raw ? [decoded, raw] : [raw];
}

function decodeBase64Token(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  // A real token is printable ASCII (0x21–0x7E); anything else means the text was not base64.
  return /^[\x21-\x7e]+$/.test(decoded) ? decoded : undefined;
}

export function authorizationHeader(token: string, encoding: 'base64' | 'raw' = 'base64'): string {
  return `Token ${encoding === 'raw' ? token : Buffer.from(token, 'utf8').toString('base64')}`;
}
