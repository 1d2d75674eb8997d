import { DEFAULT_DELIVERY, DeliveryWorker, type DeliveryOptions } from '../delivery/worker.js';
import { migrate } from '../store/migrate.js';
import { openDatabase, type Database, type DatabaseOptions } from '../store/database.js';
import { ClientInfoNotifier } from './client-info.js';
import { expireAsyncRequests } from './async-requests.js';
import type { HubConfig, HubContext, HubLog } from './context.js';
import { journalRetentionDays, pruneJournal } from './journal-retention.js';
import { probeSilentPlatforms } from './liveness.js';
import { TokenSealer } from './secrets.js';

const PROBE_TICK_MS = 30_000;
/** How often old journal entries are deleted. */
const RETENTION_TICK_MS = 3_600_000;

/** The hub's services over one database, with their background work. */
export class Hub implements HubContext {
  private timers: NodeJS.Timeout[] = [];
  readonly delivery: DeliveryWorker;
  log?: HubLog;

  private constructor(
    readonly db: Database,
    readonly config: HubConfig,
    readonly sealer: TokenSealer,
    readonly clientInfo: ClientInfoNotifier,
    deliveryOptions: DeliveryOptions,
  ) {
    this.delivery = new DeliveryWorker(this, deliveryOptions);
  }

  /** Opens the database, applies pending migrations and loads the hub's secrets. */
  static async open(
    config: HubConfig,
    database: DatabaseOptions & { secretKey?: string },
    delivery: Partial<DeliveryOptions> = {},
  ): Promise<Hub> {
    const db = await openDatabase(database);
    try {
      await migrate(db);
      const sealer = await TokenSealer.load(db, database.secretKey);
      const clientInfo = new ClientInfoNotifier(db, sealer, config.callTimeoutMs);
      return new Hub(db, config, sealer, clientInfo, { ...DEFAULT_DELIVERY, ...delivery });
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /** Starts background work: delivery and the still-alive probe. */
  async start(): Promise<void> {
    await this.delivery.releaseStaleLeases();
    this.delivery.start();
    this.every(PROBE_TICK_MS, () => probeSilentPlatforms(this));
    this.every(1000, () => expireAsyncRequests(this));
    this.every(RETENTION_TICK_MS, async () => void (await pruneJournal(this.db, journalRetentionDays())));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.delivery.stop();
    await this.clientInfo.settled();
    await this.db.close();
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
