import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/database.js';

export interface Payment {
  id: string;
  statementId: string;
  amount: string;
  paidOn: string;
  reference: string | null;
}

/** Records a payment received against an issued invoice; the statement's payment status follows. */
export async function recordPayment(db: Queryable, payment: Omit<Payment, 'id'>): Promise<Payment> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO statement_payments (id, statement_id, amount, paid_on, reference) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [randomUUID(), payment.statementId, payment.amount, payment.paidOn, payment.reference],
  );
  return { ...payment, id: row.id };
}

export async function paymentsOf(db: Queryable, statementId: string): Promise<Payment[]> {
  const rows = await db.query<{ id: string; statement_id: string; amount: string; paid_on: string; reference: string | null }>(
    `SELECT id, statement_id, amount::text AS amount, paid_on::text AS paid_on, reference FROM statement_payments WHERE statement_id = $1 ORDER BY paid_on, recorded_at`,
    [statementId],
  );
  return rows.map((r) => ({ id: r.id, statementId: r.statement_id, amount: r.amount, paidOn: r.paid_on, reference: r.reference }));
}
