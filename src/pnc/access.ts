import { randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import { hashToken, newToken, sameDigest } from '../hub/secrets.js';
import { findParty, type RoutedParty } from '../hub/routing.js';
import { PncError } from './errors.js';

/**
 * Access to the pools as OPCP describes it ("Authentication"): OAuth2 client credentials issue a
 * JWT that carries the client's role and the provider ids it may act for. Clients belong to a
 * party registered in the hub; removing the party removes its clients, and every request checks
 * that the token's client still exists.
 */

export type PncRole = 'CPO' | 'MO';

export interface PncClient {
  clientId: string;
  role: PncRole;
  /** Country code + provider id (`USMS1`): the EMAIDs an MO may manage. */
  providerIds: string[];
  party: RoutedParty;
}

/** How long an access token lives, in seconds. */
export const TOKEN_LIFETIME_S = 3600;
const PROVIDER_PATTERN = /^[A-Z]{2}[A-Z0-9]{3}$/;

/** The role a party plays in the pools: an eMSP is the mobility operator (MO) of its drivers. */
function pncRole(partyRole: string): PncRole | undefined {
  if (partyRole === 'CPO') return 'CPO';
  if (partyRole === 'EMSP') return 'MO';
  return undefined;
}

/**
 * New client credentials for a registered party. An MO may act for its own party's provider id
 * and for the further provider ids the operator confirmed; a CPO acts for none.
 */
export async function createClient(
  db: Queryable,
  input: { party: PartyRef; role: string; providerIds?: string[] },
): Promise<{ client: PncClient; clientSecret: string }> {
  const party = await findParty(db, input.party, [input.role]);
  if (!party) throw PncError.notFound(`No registered ${input.role} party ${formatParty(input.party)}`);
  const role = pncRole(party.role);
  if (!role) throw PncError.invalid(`A ${party.role} party has no role in the Plug & Charge pools`);
  const extra = (input.providerIds ?? []).map((id) => id.toUpperCase());
  const invalid = extra.find((id) => !PROVIDER_PATTERN.test(id));
  if (invalid) throw PncError.invalid(`provider_ids: ${invalid} is no country code + provider id (like DEABC)`);
  if (role === 'CPO' && extra.length > 0) throw PncError.invalid('provider_ids: a CPO manages no EMAIDs');
  const providerIds = role === 'MO' ? [...new Set([`${party.ref.countryCode}${party.ref.partyId}`, ...extra])] : [];
  const clientId = randomBytes(16).toString('hex');
  const clientSecret = newToken();
  await db.query('INSERT INTO pnc_clients (client_id, secret_digest, party, role, provider_ids) VALUES ($1, $2, $3, $4, $5)', [
    clientId,
    hashToken(clientSecret),
    party.id,
    role,
    providerIds,
  ]);
  return { client: { clientId, role, providerIds, party }, clientSecret };
}

interface ClientRow {
  client_id: string;
  secret_digest: string;
  role: PncRole;
  provider_ids: string[];
  party: string;
  party_role: string;
  country_code: string;
  party_id: string;
  platform_id: string;
  status: string;
}

const CLIENT_SELECT = `SELECT c.client_id, c.secret_digest, c.role, c.provider_ids, c.party, p.role AS party_role,
  p.country_code, p.party_id, p.platform_id, p.status FROM pnc_clients c JOIN parties p ON p.id = c.party`;

const toClient = (row: ClientRow): PncClient => ({
  clientId: row.client_id,
  role: row.role,
  providerIds: row.provider_ids,
  party: {
    id: row.party,
    ref: { countryCode: row.country_code, partyId: row.party_id },
    role: row.party_role,
    platformId: row.platform_id,
    status: row.status,
  },
});

export async function listClients(db: Queryable): Promise<PncClient[]> {
  return (await db.query<ClientRow>(`${CLIENT_SELECT} ORDER BY c.created_at, c.client_id`)).map(toClient);
}

export async function deleteClient(db: Queryable, clientId: string): Promise<boolean> {
  return (await db.query('DELETE FROM pnc_clients WHERE client_id = $1 RETURNING client_id', [clientId])).length > 0;
}

async function findClient(db: Queryable, clientId: string): Promise<(PncClient & { secretDigest: string }) | undefined> {
  const [row] = await db.query<ClientRow>(`${CLIENT_SELECT} WHERE c.client_id = $1`, [clientId]);
  return row && { ...toClient(row), secretDigest: row.secret_digest };
}

/** The key that signs access tokens (HS256): generated once per hub and kept with its settings. */
export async function tokenKey(db: Queryable): Promise<Uint8Array> {
  await db.query(`INSERT INTO hub_settings (key, value) VALUES ('pnc_token_key', $1) ON CONFLICT (key) DO NOTHING`, [
    randomBytes(32).toString('hex'),
  ]);
  const [row] = await db.query<{ value: string }>(`SELECT value FROM hub_settings WHERE key = 'pnc_token_key'`);
  return Buffer.from(row.value, 'hex');
}

export interface TokenRequest {
  grant_type?: unknown;
  client_id?: unknown;
  client_secret?: unknown;
  audience?: unknown;
}

/** OAuth2 client credentials grant (RFC 6749 §4.4), as OPCP's accessToken.v1 shapes it. */
export async function issueToken(db: Queryable, issuer: string, request: TokenRequest) {
  if (request.grant_type !== 'client_credentials') throw PncError.invalid('grant_type must be client_credentials');
  if (typeof request.client_id !== 'string' || typeof request.client_secret !== 'string') {
    throw PncError.invalid('client_id and client_secret are required');
  }
  const client = await findClient(db, request.client_id);
  if (!client || !sameDigest(client.secretDigest, hashToken(request.client_secret))) {
    throw new PncError(401, ['Unknown client or wrong secret']);
  }
  const scope = client.role === 'MO' ? 'ccp:mo rcp:read webhooks' : 'ccp:cpo rcp:read webhooks';
  const accessToken = await new SignJWT({ role: [client.role], emaid: client.providerIds, party: formatParty(client.party.ref), scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(issuer)
    .setSubject(client.clientId)
    .setIssuedAt()
    .setExpirationTime(`${TOKEN_LIFETIME_S}s`)
    .sign(await tokenKey(db));
  return { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope };
}

/** The client a bearer token stands for; 401 when the token is missing, forged, expired or its client is gone. */
export async function authenticate(db: Queryable, issuer: string, authorization: string | undefined): Promise<PncClient> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new PncError(401, ['An OAuth2 bearer token is required (POST /opcp/oauth/token)']);
  let subject: string | undefined;
  try {
    const { payload } = await jwtVerify(match[1], await tokenKey(db), { issuer, audience: issuer, algorithms: ['HS256'] });
    subject = payload.sub;
  } catch (error) {
    const reason = error instanceof joseErrors.JWTExpired ? 'The access token has expired' : 'The access token is not valid';
    throw new PncError(401, [reason]);
  }
  const client = subject ? await findClient(db, subject) : undefined;
  if (!client) throw new PncError(401, ['The access token belongs to no current client']);
  const { secretDigest: _secret, ...rest } = client;
  return rest;
}

/** Refuses a client of another role (OPCP "Roles & Rights"). */
export function requireRole(client: PncClient, role: PncRole): void {
  if (client.role !== role) throw PncError.forbidden(`This operation is for the ${role} role; the client is a ${client.role}`);
}
