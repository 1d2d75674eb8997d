import { useState } from 'react';

/** The CDR statuses of the clearing lifecycle, as GET /api/cdrs filters them. */
const STATUSES = ['RECEIVED', 'ACCEPTED', 'FLAGGED', 'APPROVED', 'DISPUTED', 'REVISED', 'CREDITED', 'WRITTEN_OFF'];
const CURRENCIES = ['USD', 'CAD'];
const DAY_MS = 86_400_000;

/** What the CDR list is narrowed to; dates are whole UTC days (YYYY-MM-DD), both included. */
export interface CdrFilter {
  status: string;
  party: string;
  counterparty: string;
  currency: string;
  from: string;
  to: string;
  cdrId: string;
}

export const NO_FILTER: CdrFilter = { status: '', party: '', counterparty: '', currency: '', from: '', to: '', cdrId: '' };

/** The filter as GET /api/cdrs parameters; the server applies them (and a partner's own scope). */
export function filterParameters(filter: CdrFilter): string[] {
  const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString();
  const parameters: [string, string][] = [
    ['status', filter.status],
    ['party', filter.party.trim()],
    ['counterparty', filter.counterparty.trim()],
    ['currency', filter.currency],
    ['from', filter.from && `${filter.from}T00:00:00Z`],
    ['to', filter.to && dayAfter(filter.to)],
    ['cdr_id', filter.cdrId.trim()],
  ];
  return parameters.filter(([, value]) => value).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
}

/** The filter form: edits stay in the form until applied. */
export function CdrFilters({ applied, onApply }: { applied: CdrFilter; onApply: (filter: CdrFilter) => void }) {
  const [draft, setDraft] = useState(applied);
  const field = (name: keyof CdrFilter) => ({
    name,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  return (
    <form
      className="inline"
      data-testid="cdr-filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <label>
        Status
        <select {...field('status')}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Party (CPO) <input {...field('party')} placeholder="US*CP1" size={9} />
      </label>
      <label>
        Counterparty (eMSP) <input {...field('counterparty')} placeholder="CA*MS2" size={9} />
      </label>
      <label>
        Currency
        <select {...field('currency')}>
          <option value="">any</option>
          {CURRENCIES.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Started from (UTC) <input type="date" {...field('from')} />
      </label>
      <label>
        to <input type="date" {...field('to')} />
      </label>
      <label>
        CDR id <input {...field('cdrId')} placeholder="part of the id" size={14} maxLength={39} />
      </label>
      <button type="submit">Apply</button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setDraft(NO_FILTER);
          onApply(NO_FILTER);
        }}
      >
        Clear
      </button>
    </form>
  );
}
