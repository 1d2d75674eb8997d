import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { formatParty } from '../../ocpi/headers.js';
import type { Queryable } from '../../store/database.js';
import { partiesOf } from '../registry.js';
import { hashPassword, verifyPassword } from './passwords.js';

/**
 * Console accounts. Operators act by role: admin changes anything; support, finance and read-only
 * read everything (finance: the clearing pages as they come). A partner account belongs to one
 * platform and reads only what concerns that platform's parties.
 */
export const ROLES = ['admin', 'support', 'finance', 'read-only', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export interface Account {
  id: string;
  username: string;
  role: Role;
  platformId: string | null;
}

/** Who is calling the admin API: an account, or automation holding the admin token. */
export interface Principal {
  actor: string;
  role: Role;
  /** For a partner: its parties as CC*PID; undefined for operators (they see everything). */
  parties?: string[];
  /** For a console session: the token every change must echo. */
  csrfToken?: string;
}

interface AccountRow {
  id: string;
  username: string;
  role: Role;
  platform_id: string | null;
  password_hash: string;
}

const toAccount = (row: AccountRow): Account => ({ id: row.id, username: row.username, role: row.role, platformId: row.platform_id });

export class AccountTakenError extends Error {}

export async function createAccount(db: Queryable, input: { username: string; password: string; role: Role; platformId?: string }): Promise<Account> {
  const [taken] = await db.query('SELECT 1 FROM accounts WHERE lower(username) = lower($1)', [input.username]);
  if (taken) throw new AccountTakenError(`The username ${input.username} is taken`);
  const [row] = await db.query<AccountRow>(
    'INSERT INTO accounts (id, username, password_hash, role, platform_id) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [randomUUID(), input.username, await hashPassword(input.password), input.role, input.platformId ?? null],
  );
  return toAccount(row);
}

/** Sets a new password; false when there is no such account. */
export async function setPassword(db: Queryable, username: string, password: string): Promise<boolean> {
  const rows = await db.query('UPDATE accounts SET password_hash = $2 WHERE lower(username) = lower($1) RETURNING id', [username, await hashPassword(password)]);
  if (rows.length) await db.query('DELETE FROM account_sessions WHERE account_id = $1', [(rows[0] as { id: string }).id]);
  return rows.length > 0;
}

export async function listAccounts(db: Queryable): Promise<Account[]> {
  return (await db.query<AccountRow>('SELECT * FROM accounts ORDER BY created_at, username')).map(toAccount);
}

export async function deleteAccount(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM accounts WHERE id::text = $1 RETURNING id', [id])).length > 0;
}

/** The account whose password this is; undefined for a wrong username or password alike. */
export async function authenticate(db: Queryable, username: string, password: string): Promise<Account | undefined> {
  const [row] = await db.query<AccountRow>('SELECT * FROM accounts WHERE lower(username) = lower($1)', [username]);
  // Hash anyway when the user is unknown, so the answer takes as long either way.
  const ok = await verifyPassword(password, row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA');
  return row && ok ? toAccount(row) : undefined;
}

const SESSION_HOURS = 12;
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opens a console session: the token goes in the cookie, the CSRF token to the page. */
export async function openSession(db: Queryable, account: Account): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000);
  await db.query('DELETE FROM account_sessions WHERE expires_at < now()');
  await db.query('INSERT INTO account_sessions (token_digest, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [
    digest(token),
    account.id,
    csrfToken,
    expiresAt,
  ]);
  return { token, csrfToken, expiresAt };
}

export async function closeSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM account_sessions WHERE token_digest = $1', [digest(token)]);
}

/** The principal behind a session cookie, if the session is open. */
export async function principalOfSession(db: Queryable, token: string): Promise<Principal | undefined> {
  const [row] = await db.query<AccountRow & { csrf_token: string }>(
    `SELECT a.*, s.csrf_token FROM account_sessions s JOIN accounts a ON a.id = s.account_id
     WHERE s.token_digest = $1 AND s.expires_at > now()`,
    [digest(token)],
  );
  if (!row) return undefined;
  const parties = row.platform_id ? [...new Set((await partiesOf(db, row.platform_id)).map((party) => formatParty(party)))] : undefined;
  return { actor: row.username, role: row.role, parties, csrfToken: row.csrf_token };
}
