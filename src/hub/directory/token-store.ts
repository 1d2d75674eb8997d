import { formatParty, type PartyRef } from '../../ocpi/headers.js';
import type { Token } from '../../ocpi/v2_2_1/index.js';
import { prepared, type Queryable } from '../../store/database.js';

/** The hub's copy of one eMSP token, as real-time authorization needs it. */
export interface CachedToken {
  owner: PartyRef;
  data: Token;
  lastUpdated: number;
}

interface TokenRow {
  country_code: string;
  party_id: string;
  object_id: string;
  data: Token;
  last_updated: Date;
}

/**
 * Every hub process re-reads each token an eMSP pushes: planned once per connection, not at each
 * of those reads (planning took five times as long as running it).
 */
const REFRESH_TOKEN = prepared(
  'refresh-token',
  `SELECT country_code, party_id, object_id, data, last_updated FROM objects
   WHERE module = 'tokens' AND country_code = $1 AND party_id = $2 AND object_id = $3 AND NOT deleted`,
);

/**
 * Every token eMSPs pushed, by stored key (TYPE:UID), so that a real-time authorization finds the
 * token's eMSP and its fallback data without the database. Kept current one token at a time.
 */
export class TokenStore {
  private readonly byKey = new Map<string, Map<string, CachedToken>>();

  static async load(db: Queryable): Promise<TokenStore> {
    const store = new TokenStore();
    const rows = await db.query<TokenRow>(
      `SELECT country_code, party_id, object_id, data, last_updated FROM objects WHERE module = 'tokens' AND NOT deleted`,
    );
    for (const row of rows) store.set(row.object_id, toCached(row));
    return store;
  }

  /** Re-reads one token after a change (by this process or another). */
  async refresh(db: Queryable, owner: PartyRef, key: string): Promise<void> {
    const [row] = await db.query<TokenRow>(REFRESH_TOKEN, [owner.countryCode, owner.partyId, key]);
    if (row) this.set(key, toCached(row));
    else this.byKey.get(key)?.delete(formatParty(owner));
  }

  /** Copies of a token under any owner, the most recently updated first (as objects.findById). */
  find(key: string): CachedToken[] {
    const owners = this.byKey.get(key);
    return owners ? [...owners.values()].sort((a, b) => b.lastUpdated - a.lastUpdated) : [];
  }

  get(owner: PartyRef, key: string): CachedToken | undefined {
    return this.byKey.get(key)?.get(formatParty(owner));
  }

  get size(): number {
    let count = 0;
    for (const owners of this.byKey.values()) count += owners.size;
    return count;
  }

  private set(key: string, token: CachedToken): void {
    let owners = this.byKey.get(key);
    if (!owners) this.byKey.set(key, (owners = new Map()));
    owners.set(formatParty(token.owner), token);
  }
}

const toCached = (row: TokenRow): CachedToken => ({
  owner: { countryCode: row.country_code, partyId: row.party_id },
  data: row.data,
  lastUpdated: row.last_updated.getTime(),
});
