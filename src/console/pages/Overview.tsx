import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { NetworkStats } from '../../hub/support/stats';
import { Badge, Head, WindowSelect, useApi } from './common';

/** What GET /api/stats answers. */
type Stats = NetworkStats;

const COLOURS = ['#2d6cdf', '#1e8449', '#d68910', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#e67e22', '#34495e'];

/** Messages per minute by module, with failures: a uPlot line chart. */
function RateChart({ stats }: { stats: Stats }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current) return;
    const modules = Object.keys(stats.messages).sort();
    const perMinute = (counts: number[]) => counts.map((n) => (n * 60) / stats.bucket_seconds);
    const chart = new uPlot(
      {
        width: Math.max(480, target.current.clientWidth - 20),
        height: 260,
        scales: { x: { time: true } },
        axes: [{}, { label: 'messages / min' }],
        series: [
          {},
          ...modules.map((module, i) => ({ label: module, stroke: COLOURS[i % COLOURS.length], width: 1.5 })),
          { label: 'failed', stroke: '#c7362f', width: 2, dash: [6, 4] },
        ],
      },
      [stats.buckets, ...modules.map((m) => perMinute(stats.messages[m])), perMinute(stats.errors)],
      target.current,
    );
    return () => chart.destroy();
  }, [stats]);
  return <div ref={target} data-testid="rate-chart" />;
}

export function Overview() {
  const [hours, setHours] = useState(1);
  const { data: stats, reload } = useApi<Stats>(`/api/stats?hours=${hours}`);
  const { data: sla } = useApi<any[]>(`/api/sla?hours=${hours}`);
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  if (!stats) return <p>Loading…</p>;
  const total = Object.values(stats.messages).flat().reduce((a, b) => a + b, 0);
  const failed = stats.errors.reduce((a, b) => a + b, 0);
  const backlog = (sla ?? []).reduce((a, p) => a + p.delivery_backlog, 0);
  return (
    <>
      <WindowSelect hours={hours} onChange={setHours} choices={[[1, 'last hour'], [24, 'last day']]} />
      <div className="cards">
        {Object.entries(stats.partners_by_status).map(([status, count]) => (
          <div className="card" key={status}>
            <div className="figure">{count}</div>
            <div className="label">
              partners <Badge value={status} />
            </div>
          </div>
        ))}
        <div className="card">
          <div className="figure">{total}</div>
          <div className="label">messages</div>
        </div>
        <div className="card">
          <div className="figure">{failed}</div>
          <div className="label">failed ({Object.entries(stats.failures_by_blame).map(([b, n]) => `${b} ${n}`).join(', ') || 'none'})</div>
        </div>
        <div className="card">
          <div className="figure">{backlog}</div>
          <div className="label">deliveries waiting</div>
        </div>
      </div>
      <div className="panel">
        <h2>Message rate per module</h2>
        <RateChart stats={stats} />
      </div>
      <div className="panel">
        <h2>Authorization outcomes</h2>
        <table>
          <tbody>
            {Object.entries(stats.authorizations).map(([outcome, count]) => (
              <tr key={outcome}>
                <td>{outcome}</td>
                <td>{count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="panel">
        <h2>Delivery lag per receiver</h2>
        <table>
          <Head columns={['Party', 'Waiting', 'Lag', 'Failures', 'Last error']} />
          <tbody>
            {(sla ?? []).filter((p) => p.role !== 'CPO' || p.delivery_backlog).map((p) => (
              <tr key={`${p.party}-${p.role}`}>
                <td>{p.party}</td>
                <td>{p.delivery_backlog}</td>
                <td>{p.delivery_lag_seconds} s</td>
                <td>{p.delivery_failures}</td>
                <td>{p.last_delivery_error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
