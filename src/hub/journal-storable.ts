/**
 * Makes a journal entry storable whatever the exchange carried: PostgreSQL's jsonb and text take no
 * NUL and no unpaired UTF-16 surrogate, and a body may be huge or nested deeper than is sensible to
 * walk. Such content is escaped (replaced by U+FFFD) or truncated, and the entry says which.
 */

/**
 * Bodies are kept up to this size (SWITCHYARD_JOURNAL_BODY_CAP, characters of JSON); a larger one
 * keeps its first characters as text and the entry is flagged truncated. Read once: the
 * environment is slow to read, and every journaled body asked it.
 */
export const JOURNAL_BODY_CAP = Number(process.env.SWITCHYARD_JOURNAL_BODY_CAP ?? 16 * 1024);
/** Text columns (URL, error, ids) are cut at this length. */
const MAX_TEXT_CHARS = 4096;
/** Deeper than any OCPI object: what lies below is replaced by a marker. */
const MAX_DEPTH = 32;

/** Fields that carry credentials tokens: never written to the journal. */
export const SECRET_FIELDS = new Set(['token', 'token_a', 'token_b', 'token_c']);

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * What in a body's JSON text asks for the walk: a NUL or an unpaired surrogate (JSON.stringify
 * writes both as \u escapes), or a credentials token's key. A text without them, and not nested
 * too deep, is stored as it is.
 */
const NEEDS_WALK = /\\u(?:0000|d[89a-f])|"token(?:_[abc])?":"/i;

export type Alteration = 'escaped' | 'truncated';

/**
 * Bodies already made storable, by identity: bodies the hub journals are never changed after they
 * were received or logged, so the same object always gives the same text.
 */
const storableBodies = new WeakMap<object, { cap: number; text: string; found: Alteration[] }>();

/** Collects what had to change while an entry was made storable. */
export class Alterations {
  readonly found = new Set<Alteration>();

  constructor(private readonly bodyCap = JOURNAL_BODY_CAP) {}

  text(value: string, max = MAX_TEXT_CHARS): string {
    let text = value;
    if (UNSTORABLE.test(text)) {
      this.found.add('escaped');
      text = text.replace(UNSTORABLE, '\ufffd');
    }
    UNSTORABLE.lastIndex = 0;
    if (text.length > max) {
      this.found.add('truncated');
      text = `${text.slice(0, max)}…`;
    }
    return text;
  }

  /** Text column, or null. */
  optional(value: string | undefined): string | null {
    return value === undefined ? null : this.text(value);
  }

  /** A body as JSON text for a jsonb column: credentials tokens redacted, escaped, bounded. */
  body(value: unknown): string {
    return value === undefined ? 'null' : this.bounded(value, this.bodyCap);
  }

  /**
   * The same for a body that other entries carry too, remembered by identity: one event delivered
   * to many receivers is journaled once per receiver with the same body. (Remembering every body
   * would cost more than it saves: an answer is journaled once.)
   */
  sharedBody(value: unknown): string {
    if (typeof value !== 'object' || value === null) return this.body(value);
    const cap = this.bodyCap;
    const known = storableBodies.get(value);
    if (known?.cap === cap) {
      for (const alteration of known.found) this.found.add(alteration);
      return known.text;
    }
    const own = new Alterations(cap);
    const text = own.bounded(value, cap);
    storableBodies.set(value, { cap, text, found: [...own.found] });
    for (const alteration of own.found) this.found.add(alteration);
    return text;
  }

  private bounded(value: unknown, cap: number): string {
    const text = this.plain(value) ?? JSON.stringify(this.walk(value, 0)) ?? 'null';
    if (text.length <= cap) return text;
    this.found.add('truncated');
    return JSON.stringify({ truncated: true, size: text.length, head: text.slice(0, cap) });
  }

  get flag(): string | null {
    return this.found.size === 0 ? null : [...this.found].sort().join(',');
  }

  /** The value's JSON text when it can be stored as it is (most bodies): no walk, no copy. */
  private plain(value: unknown): string | undefined {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      return undefined; // a BigInt, or nesting deeper than the stack: the walk bounds it
    }
    if (text === undefined || NEEDS_WALK.test(text) || depthOf(text) > MAX_DEPTH) return undefined;
    return text;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value, Number.MAX_SAFE_INTEGER);
    if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
    if (depth >= MAX_DEPTH) {
      this.found.add('truncated');
      return '[nested too deep]';
    }
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // A Token object's fields are not secrets; the credentials `token` string is.
      out[this.text(key)] = SECRET_FIELDS.has(key) && typeof inner === 'string' ? '[redacted]' : this.walk(inner, depth + 1);
    }
    return out;
  }
}

/** How deeply a JSON text nests its objects and arrays (brackets inside strings do not count). */
function depthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++; // an escape: the next character is part of it
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (code === 0x7d || code === 0x5d) depth--;
  }
  return deepest;
}
