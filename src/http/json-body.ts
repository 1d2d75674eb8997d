import { OcpiError, OcpiStatus } from '../ocpi/status.js';

/** Deeper than any OCPI object (a CDR's tariffs nest about ten levels): more is refused, not walked. */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses a request body. Unparseable JSON is HTTP 400 (transport_and_format); a body nested deeper
 * than MAX_JSON_DEPTH, or holding a NUL or an unpaired UTF-16 surrogate in a key or a string, is 2001
 * at its JSON path: neither the database nor a partner's parser can take those.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unparseable JSON: ${(error as Error).message}`, 400);
  }
  checkJsonValue(value);
  return value;
}

/** NUL, and a surrogate half without its other half (what JSON's \ud800 escapes can produce). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** Walks the value without recursion, so that no input can exhaust the stack. */
function checkJsonValue(root: unknown): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '$', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) throw OcpiError.invalid('must not contain NUL or unpaired surrogate characters', path);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw OcpiError.invalid(`is nested deeper than ${MAX_JSON_DEPTH} levels`, path);
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const keyPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!isStorableText(key)) throw OcpiError.invalid('has a key with NUL or unpaired surrogate characters', keyPath);
      stack.push({ value: item, path: keyPath, depth: depth + 1 });
    }
  }
}
