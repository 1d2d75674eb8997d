import type { TranslationContext, Loss } from '../ocpi/translate/index.js';
import { OBJECT_KINDS, translate, type ObjectKind, type OcpiVersion, type TranslatableModule } from '../ocpi/translate/index.js';
import type { Location, Tariff, Token, TokenType } from '../ocpi/v2_2_1/index.js';
import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import { WHOLE_DATA } from './objects.js';

/** The canonical version: what the hub stores, and what needs no translation. */
export const CANONICAL_VERSION: OcpiVersion = '2.2.1';

/**
 * Translates one object between a partner's version and the canonical one, backing the
 * translators' lookups (locations, tokens, tariffs) with the hub's store.
 */
export async function translateObject(
  db: Queryable,
  kind: ObjectKind,
  from: OcpiVersion,
  to: OcpiVersion,
  value: unknown,
  options: { owner: PartyRef; authorizeRequest?: { tokenUid: string; tokenType?: TokenType } },
): Promise<{ value: unknown; losses: Loss[] }> {
  if (from === to) return { value, losses: [] };
  const ctx = await storeContext(db, value, options);
  return translate(moduleOf(kind), kind as never, from, to, value, ctx);
}

function moduleOf(kind: ObjectKind): TranslatableModule {
  const entry = Object.entries(OBJECT_KINDS).find(([, kinds]) => (kinds as readonly string[]).includes(kind));
  if (!entry) throw new Error(`No module has object kind ${kind}`);
  return entry[0] as TranslatableModule;
}

/** The ids an object refers to, so that one read per kind of object fetches what a translator needs. */
interface References {
  locations: Set<string>;
  tokenUids: Set<string>;
  contractIds: Set<string>;
  tariffs: Set<string>;
}

function referencesOf(value: unknown, refs: References = emptyReferences(), key = ''): References {
  if (Array.isArray(value)) {
    for (const item of value) referencesOf(item, refs, key);
  } else if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ((key === 'location' || key === 'cdr_location') && typeof object.id === 'string') refs.locations.add(object.id.toUpperCase());
    for (const [inner, child] of Object.entries(object)) referencesOf(child, refs, inner);
  } else if (typeof value === 'string') {
    const text = value.toUpperCase();
    if (key === 'location_id') refs.locations.add(text);
    else if (key === 'uid') refs.tokenUids.add(text);
    else if (key === 'auth_id' || key === 'contract_id') refs.contractIds.add(text);
    else if (key === 'tariff_id' || key === 'tariff_ids') refs.tariffs.add(text);
  }
  return refs;
}

function emptyReferences(): References {
  return { locations: new Set(), tokenUids: new Set(), contractIds: new Set(), tariffs: new Set() };
}

async function storeContext(
  db: Queryable,
  value: unknown,
  options: { owner: PartyRef; authorizeRequest?: { tokenUid: string; tokenType?: TokenType } },
): Promise<TranslationContext> {
  const refs = referencesOf(value);
  if (options.authorizeRequest) refs.tokenUids.add(options.authorizeRequest.tokenUid.toUpperCase());
  const read = async <T>(module: string, ids: Set<string>) =>
    ids.size === 0
      ? []
      : (
          await db.query<{ data: T }>(
            `SELECT ${WHOLE_DATA} AS data FROM objects o WHERE module = $1 AND object_id = ANY($2::text[]) AND NOT deleted
             ORDER BY last_updated DESC`,
            [module, [...ids]],
          )
        ).map((row) => row.data);
  const locations = await read<Location>('locations', refs.locations);
  const tariffs = await read<Tariff>('tariffs', refs.tariffs);
  const tokens =
    refs.tokenUids.size + refs.contractIds.size === 0
      ? []
      : (
          await db.query<{ data: Token }>(
            `SELECT data FROM objects WHERE module = 'tokens' AND NOT deleted
               AND (upper(data->>'uid') = ANY($1::text[]) OR upper(data->>'uid') = ANY($2::text[])
                    OR upper(data->>'contract_id') = ANY($2::text[]))
             ORDER BY last_updated DESC`,
            [[...refs.tokenUids], [...refs.contractIds]],
          )
        ).map((row) => row.data);
  const same = (a: unknown, b: string) => typeof a === 'string' && a.toUpperCase() === b.toUpperCase();
  return {
    owner: options.owner,
    authorizeRequest: options.authorizeRequest,
    findLocation: (id) => locations.find((l) => same(l.id, id)),
    findTariff: (id) => tariffs.find((t) => same(t.id, id)),
    findToken: (uid, type) => tokens.find((t) => same(t.uid, uid) && (!type || t.type === type)),
    // Many 2.1.1 CPOs put the card's uid in auth_id when they know no contract id.
    findTokenByContractId: (id) => tokens.find((t) => same(t.contract_id, id)) ?? tokens.find((t) => same(t.uid, id)),
  };
}
