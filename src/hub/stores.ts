import type { Queryable } from '../store/database.js';

/** The hub's data and its journal, which may be two databases (HubContext.journalDb). */
export interface HubStores {
  db: Queryable;
  journalDb: Queryable;
}
