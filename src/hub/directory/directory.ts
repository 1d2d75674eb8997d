import type { PartyRef } from '../../ocpi/headers.js';
import type { Database } from '../../store/database.js';
import { findPlatformByToken, type Platform, type TokenKind } from '../registry.js';
import { hashToken } from '../secrets.js';
import { DIRECTORY_CHANNEL, localChanges, parseTokenChange, registryChangeId } from './changes.js';
import { RegistrySnapshot } from './snapshot.js';
import { TokenStore } from './token-store.js';

/** A change of this process's own whose NOTIFY never came (rolled back) stops being awaited after this. */
const PENDING_CHANGE_MS = 5_000;

/**
 * What every request asks before it can be routed (who is calling, which parties, agreements and
 * endpoints, which eMSP owns a token), kept in memory. Other hub processes on the same database
 * announce their changes with NOTIFY (see changes.ts); this process's own changes are heard at
 * once. A change to the registry marks it stale and the next look-up waits for the reload, so a
 * revoked token stops working as soon as the NOTIFY arrives.
 */
export class Directory {
  private stale = false;
  private reloading?: Promise<void>;
  private stopListening?: () => Promise<void>;
  private readonly tokenRefreshes = new Set<Promise<void>>();
  /** This process's own changes not yet committed (their NOTIFY has not come back). */
  private readonly pending = new Set<string>();
  private readonly hearNotify = (payload: string) => this.heard(payload);
  private readonly hearPending = (id: string) => {
    this.pending.add(id);
    setTimeout(() => this.pending.delete(id), PENDING_CHANGE_MS).unref();
  };

  private registry!: RegistrySnapshot;
  private tokenStore!: TokenStore;

  private constructor(private readonly db: Database) {}

  static async open(db: Database): Promise<Directory> {
    const directory = new Directory(db);
    // Listen before loading, so that no change falls between the two.
    directory.stopListening = await db.listen(DIRECTORY_CHANNEL, directory.hearNotify, () => directory.heard('*'));
    directory.registry = await RegistrySnapshot.load(db);
    directory.tokenStore = await TokenStore.load(db);
    localChanges.on('pending', directory.hearPending);
    return directory;
  }

  /** The eMSPs' tokens, for real-time authorization. */
  get tokens(): TokenStore {
    return this.tokenStore;
  }

  async close(): Promise<void> {
    localChanges.off('pending', this.hearPending);
    await this.stopListening?.();
    await this.reloading?.catch(() => undefined);
    await Promise.allSettled([...this.tokenRefreshes]);
  }

  /** The registry as of now: from memory, unless a change is pending. */
  async current(): Promise<RegistrySnapshot> {
    if (this.pending.size > 0) this.stale = true;
    // A reload under way may be reading what a request must not miss: wait for it too.
    if (this.stale || this.reloading) await this.reload();
    return this.registry;
  }

  /**
   * The platform presenting one of the candidate tokens (see ocpi/auth tokenCandidates). A digest
   * this process does not know yet is looked up in the database: another process may just have
   * issued it.
   */
  async authenticate(candidates: string[]): Promise<{ platform: Platform; kind: TokenKind } | undefined> {
    const registry = await this.current();
    for (const candidate of candidates) {
      const found = registry.platformByDigest(hashToken(candidate));
      if (found) return found;
    }
    return candidates.length > 0 ? findPlatformByToken(this.db, candidates) : undefined;
  }

  /** Re-reads one pushed token once its change is committed; resolves when the copy is current. */
  refreshToken(owner: PartyRef, key: string): Promise<void> {
    // Heard before the first load finished: that load reads the token anyway.
    if (!this.tokenStore) return Promise.resolve();
    const refresh = this.tokenStore.refresh(this.db, owner, key).finally(() => this.tokenRefreshes.delete(refresh));
    this.tokenRefreshes.add(refresh);
    return refresh;
  }

  private heard(payload: string): void {
    const token = parseTokenChange(payload);
    if (token) {
      this.refreshToken(token.owner, token.key).catch(() => this.heard('*'));
      return;
    }
    const changeId = registryChangeId(payload);
    if (changeId) this.pending.delete(changeId);
    if (payload === '*') {
      // Notifications may have been missed: every token is re-read too.
      TokenStore.load(this.db).then(
        (store) => (this.tokenStore = store),
        () => undefined,
      );
    }
    this.stale = true;
    this.reload().catch(() => undefined);
  }

  private reload(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        while (this.stale) {
          this.stale = false;
          this.registry = await RegistrySnapshot.load(this.db);
        }
      } catch (error) {
        this.stale = true;
        throw error;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }
}
