import { useState } from 'react';
import { api, type Me } from '../api';
import { Badge, Head, time, useApi } from './common';

/** The CDR statuses of the clearing lifecycle, as GET /api/cdrs filters them. */
const STATUSES = ['RECEIVED', 'ACCEPTED', 'FLAGGED', 'APPROVED', 'DISPUTED', 'REVISED', 'CREDITED', 'WRITTEN_OFF'];
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
}

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

/** Audited CDRs, the disputes inbox and the settlement statements. */
export function Clearing({ me }: { me: Me }) {
  const [selected, setSelected] = useState<Cdr>();
  const [changes, setChanges] = useState(0);
  const changed = () => setChanges((n) => n + 1);
  const toggle = (cdr: Cdr) => setSelected(selected && keyOf(selected) === keyOf(cdr) ? undefined : cdr);
  return (
    <>
      <h2>Disputes inbox</h2>
      <Inbox actor={me.role === 'admin' ? `operator:${me.username}` : undefined} changes={changes} onChanged={changed} onSelect={toggle} />
      <h2>CDRs</h2>
      <CdrList changes={changes} selected={selected} onSelect={toggle} />
      {selected && <CdrDetails cdr={selected} changes={changes} onClose={() => setSelected(undefined)} />}
      <h2>Statements</h2>
      <Statements />
    </>
  );
}

/** FLAGGED and DISPUTED CDRs, with the decisions of an admin (`actor`; others only read). */
function Inbox({ actor, changes, onChanged, onSelect }: { actor?: string; changes: number; onChanged: () => void; onSelect: (cdr: Cdr) => void }) {
  const { data, error } = useApi<CdrPage>(`/api/cdrs?status=FLAGGED,DISPUTED&limit=${PAGE_SIZE}`, changes);
  const [disputing, setDisputing] = useState<string>();
  const [message, setMessage] = useState<{ error?: string; info?: string }>({});
  const act = (cdr: Cdr, action: 'approve' | 'dispute' | 'write-off', dispute?: { reason: string; comment?: string }) =>
    api<Cdr>('POST', `${cdrPath(cdr)}/${action}`, { actor, ...dispute }).then(
      (updated) => {
        setMessage({ info: `${keyOf(cdr)} is now ${updated.status}.` });
        setDisputing(undefined);
        onChanged();
      },
      (e: Error) => setMessage({ error: e.message }),
    );
  return (
    <>
      {error && <p className="error">{error}</p>}
      {message.error && <p className="error" data-testid="clearing-error">{message.error}</p>}
      {message.info && <p className="warning" data-testid="clearing-info">{message.info}</p>}
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
                </button>
                {actor && (
                  <>
                    {' '}
                    <button onClick={() => act(cdr, 'approve')}>Approve</button>{' '}
                    {cdr.status === 'FLAGGED' && (
                      <button className="secondary" onClick={() => setDisputing(disputing === keyOf(cdr) ? undefined : keyOf(cdr))}>
                        Dispute
                      </button>
                    )}{' '}
                    <button className="danger" onClick={() => act(cdr, 'write-off')}>
                      Write off
                    </button>
                    {disputing === keyOf(cdr) && <DisputeForm onSubmit={(body) => act(cdr, 'dispute', body)} />}
                  </>
                )}
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

/** Every received CDR, filtered by status, a page at a time. */
function CdrList({ changes, selected, onSelect }: { changes: number; selected?: Cdr; onSelect: (cdr: Cdr) => void }) {
  const [status, setStatus] = useState('');
  const [pages, setPages] = useState<number[]>([]);
  const after = pages[pages.length - 1];
  const query = [status && `status=${status}`, after !== undefined && `after=${after}`, `limit=${PAGE_SIZE}`].filter(Boolean).join('&');
  const { data, error } = useApi<CdrPage>(`/api/cdrs?${query}`, changes);
  return (
    <>
      <form className="inline" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            name="status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPages([]);
            }}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        {data && <span>{data.total} CDR(s)</span>}
        {pages.length > 0 && (
          <button type="button" className="secondary" onClick={() => setPages(pages.slice(0, -1))}>
            Previous
          </button>
        )}
        {data?.next != null && (
          <button type="button" className="secondary" onClick={() => setPages([...pages, data.next!])}>
            Next
          </button>
        )}
      </form>
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
function CdrDetails({ cdr, changes, onClose }: { cdr: Cdr; changes: number; onClose: () => void }) {
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
