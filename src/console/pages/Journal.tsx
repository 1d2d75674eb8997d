import { Fragment, useEffect, useRef, useState } from 'react';
import type { JournalRow } from '../../hub/journal';
import { api } from '../api';
import { Head, Pretty } from './common';

/** A journal entry as the admin API answers it: times as text. */
type Entry = Omit<JournalRow, 'at'> & { at: string };

const FILTERS = ['party', 'module', 'status', 'object_id'] as const;

/** Newest first, filters, older pages by cursor, and a live tail. */
export function Journal() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [failed, setFailed] = useState(false);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [live, setLive] = useState(false);
  const [open, setOpen] = useState<number>();
  const [error, setError] = useState('');
  const query = () => {
    const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    if (failed) params.set('failed', 'true');
    return params;
  };
  const load = (before?: number) => {
    const params = query();
    params.set('limit', '50');
    if (before) params.set('before', String(before));
    api<{ entries: Entry[]; next_cursor: number | null }>('GET', `/api/journal?${params}`).then(
      (page) => {
        setEntries((current) => (before ? [...current, ...page.entries] : page.entries));
        setCursor(page.next_cursor);
        setError('');
      },
      (e: Error) => setError(e.message),
    );
  };
  useEffect(() => load(), [failed]);
  // The live tail asks for what came after the newest entry shown, every two seconds.
  const newest = useRef(0);
  newest.current = entries[0]?.id ?? newest.current;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      const params = query();
      params.set('after', String(newest.current));
      api<{ entries: Entry[] }>('GET', `/api/journal/tail?${params}`).then((tail) => {
        if (tail.entries.length) setEntries((current) => [...[...tail.entries].reverse(), ...current].slice(0, 500));
      });
    }, 2000);
    return () => clearInterval(timer);
  }, [live, filters, failed]);
  return (
    <>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          load();
        }}
      >
        {FILTERS.map((name) => (
          <label key={name}>
            {name.replace('_', ' ')}
            <input name={name} value={filters[name] ?? ''} onChange={(e) => setFilters((f) => ({ ...f, [name]: e.target.value }))} />
          </label>
        ))}
        <label style={{ flexDirection: 'row', alignItems: 'center' }}>
          <input type="checkbox" checked={failed} onChange={(e) => setFailed(e.target.checked)} /> failed only
        </label>
        <button type="submit">Filter</button>
        <label style={{ flexDirection: 'row', alignItems: 'center' }}>
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> live tail
        </label>
      </form>
      {error && <p className="error">{error}</p>}
      <table data-testid="journal">
        <Head columns={['At', 'Dir', 'Route', 'Request', 'Answer', 'Took', 'Fault']} />
        <tbody>
          {entries.map((entry) => (
            <Fragment key={entry.id}>
              <tr className={entry.blame ? 'failed' : ''} onClick={() => setOpen(open === entry.id ? undefined : entry.id)} style={{ cursor: 'pointer' }}>
                <td>{new Date(entry.at).toLocaleTimeString()}</td>
                <td>{entry.direction}</td>
                <td>
                  {entry.from_party ?? '?'} → {entry.to_party ?? '?'}
                </td>
                <td>
                  {entry.method} {entry.url}
                </td>
                <td>
                  {entry.http_status ?? '—'}/{entry.ocpi_status ?? '—'}
                </td>
                <td>{entry.duration_ms === null ? '—' : `${entry.duration_ms} ms`}</td>
                <td>{entry.blame ? `${entry.blame}: ${entry.error ?? ''}` : ''}</td>
              </tr>
              {open === entry.id && (
                <tr>
                  <td colSpan={7}>
                    <p>
                      correlation <code>{entry.correlation_id}</code> {entry.truncated && <b>(payload truncated: over the size cap)</b>}
                    </p>
                    <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr 1fr', gap: 8 }}>
                      <div>
                        request <Pretty value={entry.request_body} />
                      </div>
                      <div>
                        response <Pretty value={entry.response_body} />
                      </div>
                      <div>
                        notes <Pretty value={entry.notes} />
                      </div>
                    </div>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {cursor && (
        <p>
          <button className="secondary" onClick={() => load(cursor)}>
            Older entries
          </button>
        </p>
      )}
    </>
  );
}
