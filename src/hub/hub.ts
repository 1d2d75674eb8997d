import { AuditWorker, DEFAULT_AUDIT, type AuditOptions } from '../clearing/audit/worker.js';
import { CheckScheduler, DEFAULT_CHECK_SCHEDULE, type CheckScheduleOptions } from '../conformance/schedule.js';
import { DEFAULT_DELIVERY, DeliveryWorker, type DeliveryOptions } from '../delivery/worker.js';
import { migrate } from '../store/migrate.js';
import { openDatabase, type Database, type DatabaseOptions } from '../store/database.js';
import { AuthorizationSlots } from './authorization-slots.js';
import { ClientInfoNotifier } from './client-info.js';
import { JournalWriter } from './journal-writer.js';
import { EvsePatchQueue } from './evse-patches.js';
import { expireAsyncRequests } from './async-requests.js';
import type { HubConfig, HubContext, HubLog } from './context.js';
import { Directory } from './directory/directory.js';
import { alignJournalIds } from './journal-move.js';
import { prepareJournalPartitions } from './journal-partitions.js';
import { journalRetentionDays, maintainJournal } from './journal-retention.js';
import { probeSilentPlatforms } from './liveness.js';
import { deliverDueWebhooks } from '../pnc/webhooks.js';
import { RequestPressure } from './request-pressure.js';
import { TokenSealer } from './secrets.js';
import type { OutboundGuard } from '../net/outbound-guard.js';

const PROBE_TICK_MS = 30_000;
/** How often the journal's coming days are prepared and its expired days dropped. */
const RETENTION_TICK_MS = 3_600_000;

/**
 * The journal's own database when one is named, else none (the journal stays beside the data).
 * It carries the hub's whole schema, migrated like the main one, so that one series of migrations
 * serves both; only its journal, journal bodies and authorization decisions are written.
 */
async function openJournalDatabase(database: DatabaseOptions & { journalDatabaseUrl?: string }): Promise<Database | undefined> {
  if (!database.journalDatabaseUrl) return undefined;
  return openDatabase({ databaseUrl: database.journalDatabaseUrl, schema: database.schema });
}

/** The hub's services over its database (and the journal's), with their background work. */
export class Hub implements HubContext {
  private timers: NodeJS.Timeout[] = [];
  readonly delivery: DeliveryWorker;
  /** Audits every received CDR after its push committed. */
  readonly clearing: AuditWorker;
  /** Runs the conformance checks that are due: after credentials updates, on a schedule. */
  readonly checks: CheckScheduler;
  readonly journalWriter: JournalWriter;
  readonly evsePatches: EvsePatchQueue;
  readonly clientInfo: ClientInfoNotifier;
  readonly authorizationSlots: AuthorizationSlots;
  readonly requestPressure = new RequestPressure();
  log?: HubLog;

  private constructor(
    readonly db: Database,
    readonly journalDb: Database,
    readonly config: HubConfig,
    readonly sealer: TokenSealer,
    readonly outbound: OutboundGuard,
    readonly directory: Directory,
    deliveryOptions: DeliveryOptions,
    auditOptions: AuditOptions,
    checkOptions: CheckScheduleOptions,
  ) {
    this.journalWriter = new JournalWriter(journalDb, { warn: (message) => this.log?.warn({ error: message }, message) });
    this.evsePatches = new EvsePatchQueue(db);
    this.authorizationSlots = new AuthorizationSlots(config.authorizationsPerCpoAndEmsp);
    this.clientInfo = new ClientInfoNotifier(this);
    this.delivery = new DeliveryWorker(this, deliveryOptions, this.journalWriter);
    this.clearing = new AuditWorker(db, auditOptions);
    this.checks = new CheckScheduler(this, checkOptions);
  }

  /**
   * Opens the database (and the journal's, when it has one of its own), applies pending
   * migrations and loads the hub's secrets.
   */
  static async open(
    config: HubConfig,
    database: DatabaseOptions & { secretKey?: string; journalDatabaseUrl?: string },
    outbound: OutboundGuard,
    delivery: Partial<DeliveryOptions> = {},
    audit: Partial<AuditOptions> = {},
    checks: Partial<CheckScheduleOptions> = {},
  ): Promise<Hub> {
    const db = await openDatabase(database);
    let journalDb = db;
    try {
      await migrate(db);
      journalDb = (await openJournalDatabase(database)) ?? db;
      if (journalDb !== db) {
        await migrate(journalDb);
        await alignJournalIds(db, journalDb);
      }
      await prepareJournalPartitions(journalDb);
      const sealer = await TokenSealer.load(db, database.secretKey);
      const directory = await Directory.open(db);
      return new Hub(db, journalDb, config, sealer, outbound, directory, { ...DEFAULT_DELIVERY, ...delivery }, { ...DEFAULT_AUDIT, ...audit }, {
        ...DEFAULT_CHECK_SCHEDULE,
        ...checks,
      });
    } catch (error) {
      if (journalDb !== db) await journalDb.close();
      await db.close();
      throw error;
    }
  }

  /**
   * Starts background work: delivery (unless `deliver` is false: a process that only takes
   * requests, beside others that deliver), the CDR audit, conformance checks and the probe.
   */
  async start(options: { deliver?: boolean } = {}): Promise<void> {
    if (options.deliver !== false) await this.delivery.start();
    this.clearing.start();
    this.checks.start();
    this.every(PROBE_TICK_MS, () => probeSilentPlatforms(this));
    this.every(1000, () => expireAsyncRequests(this));
    this.every(1000, () => deliverDueWebhooks(this));
    this.every(RETENTION_TICK_MS, () => maintainJournal(this.journalDb, journalRetentionDays()));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    // A check may activate a partner, which tells the others: it finishes first.
    await this.checks.stop();
    await this.clientInfo.settled();
    await this.delivery.stop();
    await this.clearing.stop();
    await this.journalWriter.flush().catch(() => undefined);
    await this.directory.close();
    if (this.journalDb !== this.db) await this.journalDb.close();
    await this.db.close();
    await this.outbound.close();
  }

  private every(intervalMs: number, work: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      work()
        .catch(() => undefined)
        .finally(() => (running = false));
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}
