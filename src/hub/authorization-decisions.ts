import { prepared, type Queryable } from '../store/database.js';
import { Alterations } from './journal-storable.js';

/** A real-time authorization decision as the hub records it (table `authorizations`), after its answer. */
export interface AuthorizationDecision {
  /** The authorization_reference the hub issued (a UUID), else a fresh UUID. */
  id: string;
  at: Date;
  correlationId: string;
  cpo: string;
  emsp: string | null;
  tokenUid: string;
  tokenType: string;
  allowed: string | null;
  rule: string;
  detail: string | null;
}

/**
 * Any number of decisions in one statement, prepared once per connection. A batch written again
 * after a failure that had in fact committed (a connection lost on the way back) changes nothing.
 */
const INSERT_DECISIONS = prepared(
  'authorization-decisions-insert',
  `INSERT INTO authorizations (id, at, correlation_id, cpo, emsp, token_uid, token_type, allowed, rule, detail)
   SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                        $8::text[], $9::text[], $10::text[])
   ON CONFLICT (id) DO NOTHING`,
);

/** Writes decisions in one INSERT; text the database cannot hold (a NUL in a token uid) is escaped, as in the journal. */
export async function recordDecisions(db: Queryable, decisions: AuthorizationDecision[]): Promise<void> {
  if (decisions.length === 0) return;
  const storable = new Alterations();
  const rows = decisions.map((decision) => [
    decision.id,
    decision.at,
    storable.text(decision.correlationId),
    decision.cpo,
    decision.emsp,
    storable.text(decision.tokenUid),
    storable.text(decision.tokenType),
    decision.allowed,
    decision.rule,
    decision.detail === null ? null : storable.text(decision.detail),
  ]);
  await db.query(INSERT_DECISIONS, rows[0].map((_, column) => rows.map((row) => row[column])));
}
