import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../store/database.js';

/** A new credentials token: 256 random bits, printable ASCII as OCPI requires. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens partners present are kept only as digests; they are random, so a fast hash suffices. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Seals the tokens the hub must present to partners (they cannot be hashed: the hub sends them).
 * AES-256-GCM under the hub's secret key.
 */
export class TokenSealer {
  private constructor(private readonly key: Buffer) {}

  /**
   * The key comes from SWITCHYARD_SECRET_KEY when set (production: keep it outside the database);
   * otherwise the hub generates one once and keeps it in hub_settings, shared by every process.
   */
  static async load(db: Queryable, configuredKey?: string): Promise<TokenSealer> {
    if (configuredKey) return new TokenSealer(createHash('sha256').update(configuredKey).digest());
    await db.query(
      `INSERT INTO hub_settings (key, value) VALUES ('token_sealing_key', $1) ON CONFLICT (key) DO NOTHING`,
      [randomBytes(32).toString('hex')],
    );
    const [row] = await db.query<{ value: string }>(`SELECT value FROM hub_settings WHERE key = 'token_sealing_key'`);
    return new TokenSealer(Buffer.from(row.value, 'hex'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
  }

  open(sealed: string): string {
    const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
