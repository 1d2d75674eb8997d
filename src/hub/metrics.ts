import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../store/database.js';
import type { JournalEntry } from './journal.js';
import { deliveryBacklog } from './support/deliveries.js';

/**
 * Prometheus metrics (prom-client). Every hop the journal records counts per partner party and
 * module; authorization decisions count by rule; delivery lag and queue depth per receiver are
 * read from the database when scraped. One registry per process: hubs in one process (tests)
 * add to the same counters.
 */
export const metricsRegistry = new Registry();

/**
 * The process itself (prom-client's default metrics): CPU, memory, heap, and what most often
 * stretches a quick request's tail, garbage collection pauses and event-loop delay. The pauses'
 * buckets are finer than prom-client's default (1 ms, 10 ms, 100 ms...): a pause of a few
 * milliseconds is already what a real-time authorization notices. The event loop is sampled
 * every EVENT_LOOP_SAMPLING_MS; its delay figures (`nodejs_eventloop_lag_*`) are times between
 * samples, that interval included, over the time since the previous scrape.
 */
const EVENT_LOOP_SAMPLING_MS = 20;
collectDefaultMetrics({
  register: metricsRegistry,
  gcDurationBuckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
  eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_MS,
});

const requests = new Counter({
  name: 'switchyard_ocpi_requests_total',
  help: 'OCPI requests received (IN) and sent (OUT), by partner party and module',
  labelNames: ['partner', 'module', 'direction'] as const,
  registers: [metricsRegistry],
});
const errors = new Counter({
  name: 'switchyard_ocpi_errors_total',
  help: 'Failed OCPI exchanges by partner party, module and the side at fault',
  labelNames: ['partner', 'module', 'blame'] as const,
  registers: [metricsRegistry],
});
const durations = new Histogram({
  name: 'switchyard_ocpi_request_duration_seconds',
  help: 'Duration of OCPI exchanges by partner party and module',
  labelNames: ['partner', 'module', 'direction'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
const authorizations = new Counter({
  name: 'switchyard_authorizations_total',
  help: 'Real-time authorization decisions by CPO, eMSP, outcome and the rule that made them',
  labelNames: ['cpo', 'emsp', 'allowed', 'rule'] as const,
  registers: [metricsRegistry],
});
const queueDepth = new Gauge({
  name: 'switchyard_delivery_queue_depth',
  help: 'Events logged after the receiver\'s cursor, plus its held-back deliveries (an upper bound: events for other receivers count too)',
  labelNames: ['partner'] as const,
  registers: [metricsRegistry],
});
const deliveryLag = new Gauge({
  name: 'switchyard_delivery_lag_seconds',
  help: 'Age of the oldest event the receiver has not been sent yet (0 when it is up to date)',
  labelNames: ['partner'] as const,
  registers: [metricsRegistry],
});
const deliveryFailures = new Gauge({
  name: 'switchyard_delivery_consecutive_failures',
  help: 'Consecutive failed delivery attempts of the receiver',
  labelNames: ['partner'] as const,
  registers: [metricsRegistry],
});

const receiversServed = new Gauge({
  name: 'switchyard_delivery_receivers_served',
  help: 'Receivers this process delivers to now (delivering processes on one database are dealt them in turn)',
  registers: [metricsRegistry],
});

const databaseUp = new Gauge({
  name: 'switchyard_database_up',
  help: "1 when the hub's database answered this scrape, 0 when it did not (the delivery gauges are then absent)",
  registers: [metricsRegistry],
});
const journalWaiting = new Gauge({
  name: 'switchyard_journal_waiting',
  help: "Journal entries and authorization decisions recorded but not yet written: they wait while the journal's database is away",
  registers: [metricsRegistry],
});
const journalDropped = new Counter({
  name: 'switchyard_journal_dropped_total',
  help: "Journal entries and decisions dropped, oldest first, because too many waited while the journal's database was away",
  registers: [metricsRegistry],
});
const journalWriteFailures = new Counter({
  name: 'switchyard_journal_write_failures_total',
  help: "Writes the journal's database refused; what they carried waits and is written again",
  registers: [metricsRegistry],
});

export const observeJournalDropped = (entries: number) => journalDropped.inc(entries);
export const observeJournalWriteFailure = () => journalWriteFailures.inc();

/** Counts one journaled hop under the partner party on the far side of the hub. */
export function observeHop(entry: JournalEntry): void {
  const partner = (entry.direction === 'IN' ? entry.fromParty : entry.toParty) ?? 'unknown';
  const labels = { partner, module: entry.module ?? 'none', direction: entry.direction };
  requests.inc(labels);
  if (entry.durationMs !== undefined) durations.observe(labels, entry.durationMs / 1000);
  if (entry.blame) errors.inc({ partner, module: labels.module, blame: entry.blame });
}

export function observeAuthorization(decision: { cpo: string; emsp: string | null; allowed: string | null; rule: string }): void {
  authorizations.inc({ cpo: decision.cpo, emsp: decision.emsp ?? 'unknown', allowed: decision.allowed ?? 'NONE', rule: decision.rule });
}

/**
 * The exposition text, with the delivery gauges read now; `own`: this process's receivers
 * and its journal entries waiting to be written. The gauges are emptied and refilled in one step
 * once the backlog is read: emptied before the read, a scrape serialising meanwhile would show
 * every receiver up to date. While the database does not answer, the scrape still answers (the
 * process is up, and its own figures are what the operator needs then), with
 * `switchyard_database_up` 0 and no delivery gauges rather than stale ones.
 */
export async function metricsText(db: Queryable, own: { receiversServed: number; journalWaiting: number }): Promise<string> {
  const backlog = await deliveryBacklog(db).catch(() => undefined);
  databaseUp.set(backlog ? 1 : 0);
  receiversServed.set(own.receiversServed);
  journalWaiting.set(own.journalWaiting);
  queueDepth.reset();
  deliveryLag.reset();
  deliveryFailures.reset();
  for (const receiver of backlog ?? []) {
    queueDepth.set({ partner: receiver.party }, receiver.depth);
    deliveryLag.set({ partner: receiver.party }, receiver.lagSeconds);
    deliveryFailures.set({ partner: receiver.party }, receiver.failures);
  }
  return metricsRegistry.metrics();
}
