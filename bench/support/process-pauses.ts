/**
 * What stretched a hub process's quick answers over a phase, read from two scrapes of its
 * /metrics (prom-client's default metrics, hub/metrics.ts): garbage collection pauses by kind,
 * counted and summed between the scrapes, and the event-loop delay's p99 and maximum since the
 * first scrape (the hub's monitor restarts at each scrape). The hub's delay figures are times
 * between the monitor's samples, its interval included: the delay is read beyond the shortest.
 */
export interface ProcessPauses {
  gc: { kind: string; count: number; seconds: number }[];
  eventLoopDelay: { p99Seconds: number; maxSeconds: number };
}

const GC_TOTAL = /^nodejs_gc_duration_seconds_(count|sum)\{kind="(\w+)"\} ([\d.e+-]+)$/gm;

function gcTotals(text: string): Map<string, { count: number; seconds: number }> {
  const totals = new Map<string, { count: number; seconds: number }>();
  for (const [, field, kind, value] of text.matchAll(GC_TOTAL)) {
    const total = totals.get(kind) ?? { count: 0, seconds: 0 };
    if (field === 'count') total.count = Number(value);
    else total.seconds = Number(value);
    totals.set(kind, total);
  }
  return totals;
}

const gauge = (text: string, name: string) => Number(new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);

export function pausesBetween(before: string, after: string): ProcessPauses {
  const start = gcTotals(before);
  const gc = [...gcTotals(after)].map(([kind, end]) => ({
    kind,
    count: end.count - (start.get(kind)?.count ?? 0),
    seconds: end.seconds - (start.get(kind)?.seconds ?? 0),
  }));
  const shortest = gauge(after, 'nodejs_eventloop_lag_min_seconds');
  return {
    gc: gc.filter((pauses) => pauses.count > 0),
    eventLoopDelay: {
      p99Seconds: gauge(after, 'nodejs_eventloop_lag_p99_seconds') - shortest,
      maxSeconds: gauge(after, 'nodejs_eventloop_lag_max_seconds') - shortest,
    },
  };
}
