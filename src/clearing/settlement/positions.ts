import type { Queryable } from '../../store/database.js';
import { dec, moneyText, type MoneyText } from './money.js';
import { listStatements } from './statements.js';

/**
 * Net positions (netting): for each company (a platform in the hub's registry) and each
 * counterparty company, per currency: what it is owed as CPO, what it owes as eMSP, and the net.
 * A company in both roles with one counterparty settles one amount instead of two. Currencies are
 * never netted against each other.
 */
export interface NetPosition {
  company: string;
  counterparty: string;
  currency: string;
  /** Owed to the company by the counterparty's eMSPs for charging at the company's stations. */
  receivable: MoneyText;
  /** Owed by the company's eMSPs to the counterparty's CPOs. */
  payable: MoneyText;
  /** receivable − payable: positive, the counterparty pays; negative, the company pays. */
  net: MoneyText;
}

/** The company of each party: its platform's name, or the party itself when it is not registered. */
async function companies(db: Queryable): Promise<Map<string, string>> {
  const rows = await db.query<{ party: string; company: string }>(
    `SELECT DISTINCT ON (pa.country_code, pa.party_id) pa.country_code || '*' || pa.party_id AS party, pl.name AS company
     FROM parties pa JOIN platforms pl ON pl.id = pa.platform_id ORDER BY pa.country_code, pa.party_id, pl.created_at`,
  );
  return new Map(rows.map((r) => [r.party, r.company]));
}

export async function netPositions(db: Queryable, period: string): Promise<NetPosition[]> {
  const [statements, companyOf] = [await listStatements(db, { period }), await companies(db)];
  const company = (party: string) => companyOf.get(party) ?? party;
  const totals = new Map<string, { company: string; counterparty: string; currency: string; receivable: ReturnType<typeof dec>; payable: ReturnType<typeof dec> }>();
  const entry = (own: string, other: string, currency: string) => {
    const key = JSON.stringify([own, other, currency]);
    const found = totals.get(key) ?? { company: own, counterparty: other, currency, receivable: dec(0), payable: dec(0) };
    totals.set(key, found);
    return found;
  };
  for (const s of statements) {
    const [cpoCompany, emspCompany] = [company(s.cpo), company(s.emsp)];
    const amount = dec(s.totals.amount_payable);
    entry(cpoCompany, emspCompany, s.currency).receivable = entry(cpoCompany, emspCompany, s.currency).receivable.plus(amount);
    entry(emspCompany, cpoCompany, s.currency).payable = entry(emspCompany, cpoCompany, s.currency).payable.plus(amount);
  }
  return [...totals.values()]
    .sort((a, b) => a.company.localeCompare(b.company) || a.counterparty.localeCompare(b.counterparty) || a.currency.localeCompare(b.currency))
    .map((t) => ({
      company: t.company,
      counterparty: t.counterparty,
      currency: t.currency,
      receivable: moneyText(t.receivable, t.currency),
      payable: moneyText(t.payable, t.currency),
      net: moneyText(t.receivable.minus(t.payable), t.currency),
    }));
}
