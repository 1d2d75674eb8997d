import { useState } from 'react';
import { api, type Me } from '../api';
import { CdrFilters, filterParameters, NO_FILTER, type CdrFilter } from './CdrFilters';
import { Badge, Head, time, useApi } from './common';

const DISPUTE_REASONS = ['PRICE', 'TARIFF', 'DUPLICATE', 'UNKNOWN_SESSION', 'ENERGY', 'DURATION', 'OTHER'];
const DIMENSIONS = ['total_cost', 'total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost', 'total_reservation_cost'];
const PAGE_SIZE = 50;

type Amounts = Record<string, { before_taxes: string; after_taxes?: string } | undefined>;

interface Cdr {
  country_code: string;
  party_id: string;
  id: string;
  emsp: string | null;
  currency: string;
  start_date_time: string;
  status: string;
  divergences: string[];
  claimed: Amounts;
  computed: Amounts | null;
  dispute_deadline: string | null;
  /** What the reader may do now: the status's actions, for a partner only its side's. */
  actions: Action[];
}

type Action = 'approve' | 'dispute' | 'write-off';
type Notice = { error?: string; info?: string };

interface CdrPage {
  total: number;
  next: number | null;
  items: Cdr[];
}

interface CdrDetail extends Cdr {
  audit: { divergences: { code: string; kind: string; message: string; claimed?: string; computed?: string }[] } | null;
  history: { at: string; actor: string; action: string; from_status: string | null; to_status: string; reason: string | null; comment: string | null }[];
}

interface Money {
  amount: string;
  currency: string;
}

interface Statement {
  id: string;
  period: string;
  cpo: string;
  emsp: string;
  currency: string;
  payment_status: string;
  invoice_number: string | null;
  totals: { amount_payable: Money };
}

const cdrPath = (cdr: Cdr) => `/api/cdrs/${cdr.country_code}/${cdr.party_id}/${encodeURIComponent(cdr.id)}`;
const keyOf = (cdr: Cdr) => `${cdr.country_code}*${cdr.party_id} ${cdr.id}`;
/** A decimal string without trailing zeros, so that 13.50 and 13.5 read (and compare) alike. */
const decimal = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
const total = (amounts: Amounts | null, currency: string) => (amounts?.total_cost ? `${decimal(amounts.total_cost.before_taxes)} ${currency}` : '—');

/**
 * Audited CDRs, the disputes inbox and the settlement statements. Operators see every party's;
 * a partner sees its own parties' (the API narrows every answer) and acts for its side.
 */
export function Clearing({ me }: { me: Me }) {
  const [selected, setSelected] = useState<Cdr>();
  const [changes, setChanges] = useState(0);
  const [notice, setNotice] = useState<Notice>({});
  const toggle = (cdr: Cdr) => setSelected(selected && keyOf(selected) === keyOf(cdr) ? undefined : cdr);
  const acting = {
    me,
    onDone: (cdr: Cdr, updated: Cdr) => {
      setNotice({ info: `${keyOf(cdr)} is now ${updated.status}.` });
      setChanges((n) => n + 1);
    },
    onError: (message: string) => setNotice({ error: message }),
  };
  return (
    <>
      {notice.error && <p className="error" data-testid="clearing-error">{notice.error}</p>}
      {notice.info && <p className="warning" data-testid="clearing-info">{notice.info}</p>}
      <h2>Disputes inbox</h2>
      <Inbox acting={acting} changes={changes} onSelect={toggle} />
      <h2>CDRs</h2>
      <CdrList changes={changes} selected={selected} onSelect={toggle} />
      {selected && <CdrDetails cdr={selected} acting={acting} changes={changes} onClose={() => setSelected(undefined)} />}
      <h2>Statements</h2>
      <Statements />
    </>
  );
}

interface Acting {
  me: Me;
  onDone: (cdr: Cdr, updated: Cdr) => void;
  onError: (message: string) => void;
}

/** The buttons of the actions the reader may take on a CDR; a dispute asks for its reason first. */
function Actions({ cdr, acting }: { cdr: Cdr; acting: Acting }) {
  const [disputing, setDisputing] = useState(false);
  // An operator names itself; a partner acts in its own name, which the hub records.
  const actor = acting.me.role === 'admin' ? { actor: `operator:${acting.me.username}` } : {};
  const act = (action: Action, dispute?: { reason: string; comment?: string }) =>
    api<Cdr>('POST', `${cdrPath(cdr)}/${action}`, { ...actor, ...dispute }).then(
      (updated) => {
        setDisputing(false);
        acting.onDone(cdr, updated);
      },
      (e: Error) => acting.onError(e.message),
    );
  const can = (action: Action) => cdr.actions.includes(action);
  return (
    <>
      {can('approve') && <button onClick={() => act('approve')}>Approve</button>}{' '}
      {can('dispute') && (
        <button className="secondary" onClick={() => setDisputing(!disputing)}>
          Dispute
        </button>
      )}{' '}
      {can('write-off') && (
        <button className="danger" onClick={() => act('write-off')}>
          Write off
        </button>
      )}
      {disputing && <DisputeForm onSubmit={(body) => act('dispute', body)} />}
    </>
  );
}

/** FLAGGED and DISPUTED CDRs, with the decisions the reader may take. */
function Inbox({ acting, changes, onSelect }: { acting: Acting; changes: number; onSelect: (cdr: Cdr) => void }) {
  const { data, error } = useApi<CdrPage>(`/api/cdrs?status=FLAGGED,DISPUTED&limit=${PAGE_SIZE}`, changes);
  return (
    <>
      {error && <p className="error">{error}</p>}
      <table data-testid="inbox">
        <Head columns={['CDR', 'eMSP', 'Started', 'Claimed', 'Computed', 'Status', 'Divergences', 'Dispute deadline', '']} />
        <tbody>
          {(data?.items ?? []).map((cdr) => (
            <tr key={keyOf(cdr)} data-cdr={keyOf(cdr)}>
              <CdrCells cdr={cdr} />
              <td>{cdr.dispute_deadline ? time(cdr.dispute_deadline) : '—'}</td>
              <td>
                <button className="secondary" onClick={() => onSelect(cdr)}>
                  Details
                </button>{' '}
                <Actions cdr={cdr} acting={acting} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.items.length === 0 && <p>Nothing waits for a decision.</p>}
    </>
  );
}

function DisputeForm({ onSubmit }: { onSubmit: (body: { reason: string; comment?: string }) => void }) {
  const [reason, setReason] = useState(DISPUTE_REASONS[0]);
  const [comment, setComment] = useState('');
  return (
    <form
      className="inline"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({ reason, ...(comment ? { comment } : {}) });
      }}
    >
      <label>
        Reason
        <select name="reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          {DISPUTE_REASONS.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <label>
        Comment <input name="comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
      </label>
      <button type="submit">Send dispute</button>
    </form>
  );
}

/** Every received CDR the reader may see, filtered on the server, a page at a time. */
function CdrList({ changes, selected, onSelect }: { changes: number; selected?: Cdr; onSelect: (cdr: Cdr) => void }) {
  const [filter, setFilter] = useState<CdrFilter>(NO_FILTER);
  const [pages, setPages] = useState<number[]>([]);
  const after = pages[pages.length - 1];
  const query = [...filterParameters(filter), after !== undefined && `after=${after}`, `limit=${PAGE_SIZE}`].filter(Boolean).join('&');
  const { data, error } = useApi<CdrPage>(`/api/cdrs?${query}`, changes);
  return (
    <>
      <CdrFilters
        applied={filter}
        onApply={(next) => {
          setFilter(next);
          setPages([]);
        }}
      />
      <div className="inline">
        {data && <span data-testid="cdr-count">{data.total} CDR(s)</span>}{' '}
        {pages.length > 0 && (
          <button type="button" className="secondary" onClick={() => setPages(pages.slice(0, -1))}>
            Previous
          </button>
        )}{' '}
        {data?.next != null && (
          <button type="button" className="secondary" onClick={() => setPages([...pages, data.next!])}>
            Next
          </button>
        )}
      </div>
      {error && <p className="error">{error}</p>}
      <table data-testid="cdrs">
        <Head columns={['CDR', 'eMSP', 'Started', 'Claimed', 'Computed', 'Status', 'Divergences', '']} />
        <tbody>
          {(data?.items ?? []).map((cdr) => (
            <tr key={keyOf(cdr)} data-cdr={keyOf(cdr)}>
              <CdrCells cdr={cdr} />
              <td>
                <button className="secondary" onClick={() => onSelect(cdr)}>
                  {selected && keyOf(selected) === keyOf(cdr) ? 'Close' : 'Details'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const CdrCells = ({ cdr }: { cdr: Cdr }) => (
  <>
    <td>{keyOf(cdr)}</td>
    <td>{cdr.emsp ?? '—'}</td>
    <td>{time(cdr.start_date_time)}</td>
    <td>{total(cdr.claimed, cdr.currency)}</td>
    <td>{total(cdr.computed, cdr.currency)}</td>
    <td>
      <Badge value={cdr.status} />
    </td>
    <td>{cdr.divergences.join(', ') || '—'}</td>
  </>
);

/** One CDR: claimed against computed per cost dimension, the audit's findings and the history. */
function CdrDetails({ cdr, acting, changes, onClose }: { cdr: Cdr; acting: Acting; changes: number; onClose: () => void }) {
  const { data, error } = useApi<CdrDetail>(cdrPath(cdr), changes);
  const amount = (a: { before_taxes: string; after_taxes?: string } | undefined) =>
    a ? `${decimal(a.before_taxes)}${a.after_taxes !== undefined ? ` / ${decimal(a.after_taxes)}` : ''}` : '—';
  const dimensions = DIMENSIONS.filter((d) => data?.claimed[d] || data?.computed?.[d]);
  return (
    <div className="panel" data-testid="cdr-details">
      <h2>
        {keyOf(cdr)} <Badge value={data?.status ?? cdr.status} />{' '}
        <button className="secondary" onClick={onClose}>
          Close
        </button>
      </h2>
      {error && <p className="error">{error}</p>}
      {data && (
        <>
          <div className="actions">
            <Actions cdr={data} acting={acting} />
          </div>
          <table>
            <Head columns={[`Dimension (${data.currency}, excl. / incl. taxes)`, 'Claimed', 'Computed', '']} />
            <tbody>
              {dimensions.map((d) => {
                const claimed = amount(data.claimed[d]);
                const computed = amount(data.computed?.[d]);
                // A dimension the CPO did not claim is not a divergence (the total is checked on its own).
                const differs = data.claimed[d] && data.computed?.[d] && claimed !== computed;
                return (
                  <tr key={d} className={differs ? 'failed' : ''}>
                    <td>{d}</td>
                    <td>{data.claimed[d] ? claimed : 'not claimed'}</td>
                    <td>{computed}</td>
                    <td>{differs ? 'differs' : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {(data.audit?.divergences.length ?? 0) > 0 && (
            <ul>
              {data.audit!.divergences.map((d, i) => (
                <li key={i}>
                  <Badge value={d.code} /> {d.kind}: {d.message}
                </li>
              ))}
            </ul>
          )}
          <h2>History</h2>
          <table data-testid="cdr-history">
            <Head columns={['When', 'Who', 'Action', 'Status', 'Reason', 'Comment']} />
            <tbody>
              {data.history.map((h, i) => (
                <tr key={i}>
                  <td>{time(h.at)}</td>
                  <td>{h.actor}</td>
                  <td>{h.action}</td>
                  <td>
                    {h.from_status ? `${h.from_status} → ` : ''}
                    {h.to_status}
                  </td>
                  <td>{h.reason ?? ''}</td>
                  <td>{h.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

/** Settlement statements with their invoice exports. */
function Statements() {
  const { data, error } = useApi<Statement[]>('/api/statements');
  return (
    <>
      {error && <p className="error">{error}</p>}
      <table data-testid="statements">
        <Head columns={['Period', 'CPO', 'eMSP', 'Invoice', 'Status', 'Amount payable', 'Downloads']} />
        <tbody>
          {(data ?? []).map((s) => (
            <tr key={s.id}>
              <td>{s.period}</td>
              <td>{s.cpo}</td>
              <td>{s.emsp}</td>
              <td>{s.invoice_number ?? 'draft'}</td>
              <td>
                <Badge value={s.payment_status} />
              </td>
              <td>
                {s.totals.amount_payable.amount} {s.totals.amount_payable.currency}
              </td>
              <td>
                <a href={`/api/statements/${encodeURIComponent(s.id)}.csv`} download>
                  CSV
                </a>{' '}
                ·{' '}
                <a href={`/api/statements/${encodeURIComponent(s.id)}.pdf`} target="_blank" rel="noreferrer">
                  PDF
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.length === 0 && <p>No statement yet: settle a period first.</p>}
    </>
  );
}
