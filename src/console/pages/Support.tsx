import { useState } from 'react';
import { api } from '../api';
import { Badge, Head, time } from './common';

interface Match {
  kind: string;
  at: string;
  title: string;
  matched: string;
  timeline: string;
}

interface Timeline {
  session?: Record<string, string | null>;
  hops: any[];
  verdict: { failed: boolean; blame: string | null; driver: string; reason: string; action: string; rule: string | null };
}

/** One box: whatever the agent holds leads to the driver's journeys, their timeline and a verdict. */
export function Support() {
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<Match[]>();
  const [timeline, setTimeline] = useState<Timeline>();
  const [error, setError] = useState('');
  const open = (match: Match) => api<Timeline>('GET', match.timeline).then(setTimeline, (e: Error) => setError(e.message));
  return (
    <>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          setTimeline(undefined);
          api<{ matches: Match[] }>('GET', `/api/search?q=${encodeURIComponent(query)}`).then(
            (found) => {
              setMatches(found.matches);
              setError('');
              if (found.matches.length === 1) open(found.matches[0]);
            },
            (e: Error) => setError(e.message),
          );
        }}
      >
        <label style={{ flex: 1 }}>
          Session id, card uid (RFID:…), contract id, printed number, EVSE, location, CDR or correlation id
          <input name="q" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="US-MS1-C00000042" />
        </label>
        <button type="submit">Search</button>
      </form>
      {error && <p className="error">{error}</p>}
      {matches && (
        <table data-testid="matches">
          <tbody>
            {matches.length === 0 && (
              <tr>
                <td>Nothing found.</td>
              </tr>
            )}
            {matches.map((match) => (
              <tr key={`${match.kind}-${match.timeline}`}>
                <td>{time(match.at)}</td>
                <td>
                  <Badge value={match.kind} />
                </td>
                <td>{match.title}</td>
                <td>by {match.matched}</td>
                <td>
                  <button className="secondary" onClick={() => open(match)}>
                    Timeline
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {timeline && <TimelineView timeline={timeline} />}
    </>
  );
}

function TimelineView({ timeline }: { timeline: Timeline }) {
  const { verdict } = timeline;
  return (
    <>
      <div className={`panel verdict ${verdict.failed ? 'failed' : ''}`} data-testid="verdict">
        <h2>{verdict.driver}</h2>
        <p>
          <b>Why:</b> {verdict.reason}
        </p>
        <p>
          <b>At fault:</b> {verdict.blame ?? 'none'} {verdict.rule && <>· rule <code>{verdict.rule}</code></>}
        </p>
        <p>
          <b>What to do:</b> {verdict.action}
        </p>
      </div>
      <table data-testid="timeline">
        <Head columns={['Started', 'What', 'Route', 'Answer', 'Took', 'Fault']} />
        <tbody>
          {timeline.hops.map((hop, i) => (
            <tr key={i} className={hop.blame ? 'failed' : ''}>
              <td>{new Date(hop.at).toLocaleTimeString()}</td>
              <td>
                <Badge value={hop.kind} /> {hop.summary}
              </td>
              <td>
                {hop.direction} {hop.from ?? '?'} → {hop.to ?? '?'}
              </td>
              <td>
                {hop.http_status ?? '—'}/{hop.ocpi_status ?? '—'}
              </td>
              <td>{hop.duration_ms === null ? '—' : `${hop.duration_ms} ms`}</td>
              <td>{hop.blame ? `${hop.blame}: ${hop.error ?? ''}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
