import { useState } from 'react';
import { Badge, percent, time, useApi } from './common';

/** Service figures per party (a partner sees its own). */
export function Sla() {
  const [hours, setHours] = useState(24);
  const { data, error } = useApi<any[]>(`/api/sla?hours=${hours}`);
  return (
    <>
      <form className="inline">
        <label>
          Window
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            <option value={1}>last hour</option>
            <option value={24}>last day</option>
            <option value={168}>last week</option>
          </select>
        </label>
      </form>
      {error && <p className="error">{error}</p>}
      <SlaTable rows={data ?? []} />
    </>
  );
}

export function SlaTable({ rows }: { rows: any[] }) {
  return (
    <table data-testid="sla">
      <thead>
        <tr>
          <th>Party</th>
          <th>Role</th>
          <th>Status</th>
          <th>Requests</th>
          <th>p50</th>
          <th>p99</th>
          <th>Error rate</th>
          <th>Deliveries waiting</th>
          <th>Lag</th>
          <th>Uptime</th>
          <th>Freshest data</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={`${p.party}-${p.role}`}>
            <td>{p.party}</td>
            <td>{p.role}</td>
            <td>
              <Badge value={p.status} />
            </td>
            <td>{p.requests}</td>
            <td>{p.p50_ms ?? '—'} ms</td>
            <td>{p.p99_ms ?? '—'} ms</td>
            <td>{percent(p.error_rate)}</td>
            <td>{p.delivery_backlog}</td>
            <td>{p.delivery_lag_seconds} s</td>
            <td>{percent(p.uptime)}</td>
            <td>
              {Object.entries(p.freshness as Record<string, string>)
                .map(([module, at]) => `${module} ${time(at)}`)
                .join(' · ') || '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
