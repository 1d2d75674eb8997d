import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/database.js';
import type { Quirks } from './quirks.js';
import { announceChange } from './directory/changes.js';
import { hashToken, sameDigest } from './secrets.js';

/** The connection status of a platform and its parties, as hubclientinfo names it. */
export type ConnectionStatus = 'PLANNED' | 'CONNECTED' | 'OFFLINE' | 'SUSPENDED';
export type TokenKind = 'REGISTRATION' | 'ACTIVE';
export type InterfaceRole = 'SENDER' | 'RECEIVER';
/** How the hub learned of a party behind a neighbouring hub: its hubclientinfo, or the operator. */
export type BehindHubSource = 'CLIENT_INFO' | 'OPERATOR';

export interface Platform {
  id: string;
  name: string;
  status: ConnectionStatus;
  ocpiVersion: string | null;
  versionsUrl: string | null;
  /** Sealed; open it with the hub's TokenSealer. Null until the platform is registered. */
  sealedOutboundToken: string | null;
  lastSeenAt: Date | null;
  quirks: Quirks;
  /** The role the operator gave the partner: what a 2.1.1 platform, which declares none, plays. */
  roleHint: 'CPO' | 'EMSP' | null;
  /** The operator's request budget for this partner; null: the hub's default. */
  rateLimit: { perSecond: number; burst: number } | null;
  /** Its tokens count only over TLS with this client certificate (fingerprint or issuing CA). */
  clientCertificate: { sha256?: string; ca?: string } | null;
  /** The operator asked for gated onboarding: no routes until a conformance check passes. */
  gated: boolean;
  /** When a gated partner's routes were activated; null while they wait. */
  activatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Party {
  id: string;
  platformId: string;
  role: string;
  countryCode: string;
  partyId: string;
  businessDetails: Record<string, unknown>;
  status: ConnectionStatus;
  /** Set for a party reached through its platform, a neighbouring hub; null for a party the platform declared itself. */
  behindHub: BehindHubSource | null;
  updatedAt: Date;
}

export interface Endpoint {
  module: string;
  role: InterfaceRole;
  url: string;
}

/** A role as a platform declares it in its credentials. */
export interface DeclaredRole {
  role: string;
  countryCode: string;
  partyId: string;
  businessDetails: Record<string, unknown>;
}

export interface PlatformRow {
  id: string;
  name: string;
  status: ConnectionStatus;
  ocpi_version: string | null;
  versions_url: string | null;
  outbound_token: string | null;
  last_seen_at: Date | null;
  quirks: Quirks;
  role_hint: 'CPO' | 'EMSP' | null;
  rate_limit: { per_second: number; burst: number } | null;
  client_cert_sha256: string | null;
  client_cert_ca: string | null;
  gated: boolean;
  activated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface PartyRow {
  id: string;
  platform_id: string;
  role: string;
  country_code: string;
  party_id: string;
  business_details: Record<string, unknown>;
  status: ConnectionStatus;
  behind_hub: BehindHubSource | null;
  updated_at: Date;
}

export const toPlatform = (row: PlatformRow): Platform => ({
  id: row.id,
  name: row.name,
  status: row.status,
  ocpiVersion: row.ocpi_version,
  versionsUrl: row.versions_url,
  sealedOutboundToken: row.outbound_token,
  lastSeenAt: row.last_seen_at,
  quirks: row.quirks ?? {},
  roleHint: row.role_hint,
  rateLimit: row.rate_limit ? { perSecond: row.rate_limit.per_second, burst: row.rate_limit.burst } : null,
  clientCertificate:
    row.client_cert_sha256 || row.client_cert_ca
      ? { ...(row.client_cert_sha256 ? { sha256: row.client_cert_sha256 } : {}), ...(row.client_cert_ca ? { ca: row.client_cert_ca } : {}) }
      : null,
  gated: row.gated,
  activatedAt: row.activated_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toParty = (row: PartyRow): Party => ({
  id: row.id,
  platformId: row.platform_id,
  role: row.role,
  countryCode: row.country_code,
  partyId: row.party_id,
  businessDetails: row.business_details,
  status: row.status,
  behindHub: row.behind_hub ?? null,
  updatedAt: row.updated_at,
});

export function isRegistered(platform: Platform): boolean {
  return platform.sealedOutboundToken !== null;
}

/** A gated partner whose routes are not active yet: nothing is routed to or from it. */
export function awaitsActivation(platform: Pick<Platform, 'gated' | 'activatedAt'>): boolean {
  return platform.gated && platform.activatedAt === null;
}

export async function createPlatform(
  db: Queryable,
  name: string,
  options: { standardAgreement?: boolean; roleHint?: 'CPO' | 'EMSP'; gated?: boolean } = {},
): Promise<Platform> {
  const [row] = await db.query<PlatformRow>(
    'INSERT INTO platforms (id, name, standard_agreement, role_hint, gated) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [randomUUID(), name, options.standardAgreement ?? true, options.roleHint ?? null, options.gated ?? false],
  );
  await announceChange(db);
  return toPlatform(row);
}

export async function getPlatform(db: Queryable, id: string): Promise<Platform | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.query<PlatformRow>('SELECT * FROM platforms WHERE id = $1', [id]);
  return row && toPlatform(row);
}

/** One page of platforms, oldest first, and how many there are in all. */
export async function listPlatforms(db: Queryable, page: { limit: number; offset: number }): Promise<{ total: number; platforms: Platform[] }> {
  const [{ total }] = await db.query<{ total: number }>('SELECT count(*)::int AS total FROM platforms');
  const rows = await db.query<PlatformRow>('SELECT * FROM platforms ORDER BY created_at, id LIMIT $1 OFFSET $2', [page.limit, page.offset]);
  return { total, platforms: rows.map(toPlatform) };
}

export async function setQuirks(db: Queryable, platformId: string, quirks: Quirks): Promise<void> {
  await db.query('UPDATE platforms SET quirks = $2, updated_at = now() WHERE id = $1', [platformId, JSON.stringify(quirks)]);
  await announceChange(db);
}

export async function deletePlatform(db: Queryable, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.query('DELETE FROM platforms WHERE id = $1 RETURNING id', [id]);
  await announceChange(db);
  return rows.length > 0;
}

/** Finds the platform that owns one of the candidate tokens (see ocpi/auth tokenCandidates). */
export async function findPlatformByToken(
  db: Queryable,
  candidates: string[],
): Promise<{ platform: Platform; kind: TokenKind } | undefined> {
  for (const candidate of candidates) {
    const digest = hashToken(candidate);
    const [row] = await db.query<PlatformRow & { token_hash: string; kind: TokenKind }>(
      `SELECT p.*, t.token_hash, t.kind FROM platform_tokens t JOIN platforms p ON p.id = t.platform_id
       WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [digest],
    );
    if (row && sameDigest(row.token_hash, digest)) return { platform: toPlatform(row), kind: row.kind };
  }
  return undefined;
}

/** Stores a token the hub issued; one with `expiresAt` stops working then (token A). */
export async function addToken(db: Queryable, platformId: string, token: string, kind: TokenKind, expiresAt?: Date): Promise<void> {
  await db.query(
    'INSERT INTO platform_tokens (token_hash, platform_id, kind, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [hashToken(token), platformId, kind, expiresAt ?? null],
  );
  await announceChange(db);
}

/** The operator's security settings for a partner: request budget and client-certificate pin. */
export async function setPartnerSecurity(
  db: Queryable,
  platformId: string,
  settings: Pick<Platform, 'rateLimit' | 'clientCertificate'>,
): Promise<void> {
  const rateLimit = settings.rateLimit ? JSON.stringify({ per_second: settings.rateLimit.perSecond, burst: settings.rateLimit.burst }) : null;
  await db.query(
    `UPDATE platforms SET rate_limit = $2, client_cert_sha256 = $3, client_cert_ca = $4, updated_at = now() WHERE id = $1`,
    [platformId, rateLimit, settings.clientCertificate?.sha256 ?? null, settings.clientCertificate?.ca ?? null],
  );
  await announceChange(db);
}

export async function removeToken(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM platform_tokens WHERE token_hash = $1', [hashToken(token)]);
  await announceChange(db);
}

/** Removes every token of a platform, optionally keeping one (the one just issued). */
export async function removeTokens(db: Queryable, platformId: string, keep?: string): Promise<void> {
  await db.query('DELETE FROM platform_tokens WHERE platform_id = $1 AND token_hash <> $2', [
    platformId,
    keep ? hashToken(keep) : '',
  ]);
  await announceChange(db);
}

export interface Registration {
  ocpiVersion: string;
  versionsUrl: string;
  sealedOutboundToken: string;
  endpoints: Endpoint[];
  roles: DeclaredRole[];
  /** Whether a conformance check is due after it (a gated partner awaiting activation is checked anyway). */
  checkAfter: boolean;
}

/**
 * Records a completed credentials exchange: version, endpoints, outbound token and parties. Roles
 * the platform no longer declares end SUSPENDED. Returns the parties whose status changed.
 */
export async function saveRegistration(tx: Queryable, platformId: string, registration: Registration): Promise<Party[]> {
  // A gated partner awaiting activation stays PLANNED, parties included: routing passes it by.
  const [{ status }] = await tx.query<{ status: ConnectionStatus }>(
    `UPDATE platforms SET ocpi_version = $2, versions_url = $3, outbound_token = $4,
       status = CASE WHEN gated AND activated_at IS NULL THEN 'PLANNED' ELSE 'CONNECTED' END,
       check_due_at = CASE WHEN $5::boolean OR (gated AND activated_at IS NULL) THEN now() ELSE check_due_at END,
       check_due_reason = CASE WHEN $5::boolean OR (gated AND activated_at IS NULL) THEN 'CREDENTIALS_UPDATED' ELSE check_due_reason END,
       last_seen_at = now(), updated_at = now() WHERE id = $1 RETURNING status`,
    [platformId, registration.ocpiVersion, registration.versionsUrl, registration.sealedOutboundToken, registration.checkAfter],
  );
  await tx.query('DELETE FROM endpoints WHERE platform_id = $1', [platformId]);
  for (const endpoint of registration.endpoints) {
    await tx.query(
      'INSERT INTO endpoints (platform_id, module, role, url) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [platformId, endpoint.module, endpoint.role, endpoint.url],
    );
  }
  const changed: Party[] = [];
  const kept: string[] = [];
  for (const role of registration.roles) {
    const [row] = await tx.query<PartyRow & { previous_status: string | null }>(
      `WITH previous AS (
         SELECT status FROM parties WHERE country_code = $3 AND party_id = $4 AND role = $2)
       INSERT INTO parties (id, platform_id, role, country_code, party_id, business_details, status, standard_agreement)
       VALUES ($1, $5, $2, $3, $4, $6, $7, (SELECT standard_agreement FROM platforms WHERE id = $5))
       ON CONFLICT (country_code, party_id, role) DO UPDATE
         SET platform_id = EXCLUDED.platform_id, business_details = EXCLUDED.business_details, status = EXCLUDED.status,
             behind_hub = NULL, updated_at = CASE WHEN parties.status = EXCLUDED.status THEN parties.updated_at ELSE now() END
         -- A party belongs to one platform; a SUSPENDED one may move to a new platform.
         WHERE parties.platform_id = EXCLUDED.platform_id OR parties.status = 'SUSPENDED'
       RETURNING *, (SELECT status FROM previous) AS previous_status`,
      [randomUUID(), role.role, role.countryCode, role.partyId, platformId, JSON.stringify(role.businessDetails), status],
    );
    if (!row) throw new PartyTakenError(role);
    kept.push(row.id);
    await startReceiverCursor(tx, row.id);
    if (row.previous_status !== status) changed.push(toParty(row));
  }
  // Parties behind a neighbouring hub come and go by its hubclientinfo, not by its credentials.
  const dropped = await tx.query<PartyRow>(
    `UPDATE parties SET status = 'SUSPENDED', updated_at = now()
     WHERE platform_id = $1 AND status <> 'SUSPENDED' AND behind_hub IS NULL AND NOT (id = ANY($2::uuid[])) RETURNING *`,
    [platformId, kept],
  );
  await announceChange(tx);
  return [...changed, ...dropped.map(toParty)];
}

/** A new receiver starts at the head of the delivery log: it is sent what happens from now on. */
export async function startReceiverCursor(tx: Queryable, partyId: string): Promise<void> {
  await tx.query(
    `INSERT INTO receiver_cursors (party, last_tx, last_seq)
     SELECT $1, coalesce(head.tx, '0'), coalesce(head.seq, 0)
     FROM (SELECT 1) one LEFT JOIN (SELECT tx, seq FROM events ORDER BY tx DESC, seq DESC LIMIT 1) head ON true
     ON CONFLICT (party) DO NOTHING`,
    [partyId],
  );
}

/** Another platform already hosts this party. */
export class PartyTakenError extends Error {
  constructor(readonly role: DeclaredRole) {
    super(`Party ${role.countryCode}*${role.partyId} (${role.role}) is already registered by another platform`);
  }
}

/** Sets a platform's status and that of its parties; returns the parties whose status changed. */
export async function setPlatformStatus(db: Queryable, platformId: string, status: ConnectionStatus): Promise<Party[]> {
  await db.query('UPDATE platforms SET status = $2, updated_at = now() WHERE id = $1', [platformId, status]);
  const rows = await db.query<PartyRow>(
    // A party behind a neighbouring hub that its hubclientinfo calls PLANNED stays so whatever the hub's status.
    `UPDATE parties SET status = $2, updated_at = now()
     WHERE platform_id = $1 AND status <> $2 AND status <> 'SUSPENDED' AND (behind_hub IS NULL OR status <> 'PLANNED') RETURNING *`,
    [platformId, status],
  );
  await announceChange(db);
  return rows.map(toParty);
}

/** Forgets a platform's registration (credentials DELETE): tokens, endpoints; parties end SUSPENDED. */
export async function unregister(tx: Queryable, platformId: string): Promise<Party[]> {
  await tx.query('DELETE FROM platform_tokens WHERE platform_id = $1', [platformId]);
  await tx.query('DELETE FROM endpoints WHERE platform_id = $1', [platformId]);
  await tx.query(`UPDATE platforms SET outbound_token = NULL, status = 'SUSPENDED', updated_at = now() WHERE id = $1`, [
    platformId,
  ]);
  const rows = await tx.query<PartyRow>(
    `UPDATE parties SET status = 'SUSPENDED', updated_at = now()
     WHERE platform_id = $1 AND status <> 'SUSPENDED' RETURNING *`,
    [platformId],
  );
  await announceChange(tx);
  return rows.map(toParty);
}

export async function partiesOf(db: Queryable, platformId: string): Promise<Party[]> {
  const rows = await db.query<PartyRow>('SELECT * FROM parties WHERE platform_id = $1 ORDER BY role, country_code, party_id', [
    platformId,
  ]);
  return rows.map(toParty);
}

export async function endpointsOf(db: Queryable, platformId: string): Promise<Endpoint[]> {
  return db.query<Endpoint>('SELECT module, role, url FROM endpoints WHERE platform_id = $1 ORDER BY module, role', [
    platformId,
  ]);
}

/** Notes that a platform was heard from; the still-alive probe leaves it alone for a while. */
export async function touchPlatform(db: Queryable, platformId: string): Promise<void> {
  await db.query('UPDATE platforms SET last_seen_at = now() WHERE id = $1', [platformId]);
}

export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
