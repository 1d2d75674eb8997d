import { useState } from 'react';
import { Badge, Head, WindowSelect, percent, time, useApi } from './common';

/** Service figures per party (a partner sees its own). */
export function Sla() {
  const [hours, setHours] = useState(24);
  const { data, error } = useApi<any[]>(`/api/sla?hours=${hours}`);
  return (
    <>
      <WindowSelect hours={hours} onChange={setHours} choices={[[1, 'last hour'], [24, 'last day'], [168, 'last week']]} />
      {error && <p className="error">{error}</p>}
      <SlaTable rows={data ?? []} />
    </>
  );
}

export function SlaTable({ rows }: { rows: any[] }) {
  return (
    <table data-testid="sla">
      <Head columns={['Party', 'Role', 'Status', 'Requests', 'p50', 'p99', 'Error rate', 'Deliveries waiting', 'Lag', 'Uptime', 'Freshest data']} />
      <tbody>
        {rows.map((p) => (
          <tr key={`${p.party}-${p.role}`}>
            <td>{p.party}</td>
            <td>{p.role}</td>
            <td>
              <Badge value={p.status} />
            </td>
            <td>{p.requests}</td>
            <td>{p.p50_ms === null ? '—' : `${p.p50_ms} ms`}</td>
            <td>{p.p99_ms === null ? '—' : `${p.p99_ms} ms`}</td>
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
