import type { Queryable } from '../../store/database.js';
import type { Principal } from './accounts.js';

/** Fields never written to the audit log. */
const SECRET_FIELDS = /password|token/i;

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_FIELDS.test(key) ? '[redacted]' : withoutSecrets(inner)]));
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  role: string;
  method: string;
  path: string;
  http_status: number;
  body: unknown;
}

export async function audit(
  db: Queryable,
  principal: Principal,
  change: { method: string; path: string; httpStatus: number; body: unknown },
): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, role, method, path, http_status, body) VALUES ($1, $2, $3, $4, $5, $6)', [
    principal.actor,
    principal.role,
    change.method,
    change.path,
    change.httpStatus,
    change.body === undefined ? null : JSON.stringify(withoutSecrets(change.body)),
  ]);
}

export async function auditTrail(db: Queryable, limit: number, before?: number): Promise<AuditEntry[]> {
  return db.query<AuditEntry>(
    `SELECT * FROM audit_log ${before ? 'WHERE id < $2' : ''} ORDER BY id DESC LIMIT $1`,
    before ? [limit, before] : [limit],
  );
}
