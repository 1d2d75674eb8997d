import { callOcpi } from '../ocpi/client.js';
import type { HubContext } from './context.js';
import type { Quirks } from './quirks.js';
import { changePlatformStatus } from './platform-status.js';
import { touchPlatform } from './registry.js';

/**
 * The still-alive probe: a registered platform silent for `probeAfterMs` gets a GET on its versions
 * endpoint. No answer marks it OFFLINE; an answer marks it CONNECTED again. A probe changes nothing
 * when repeated, so hub processes sharing a database need not coordinate.
 */
export async function probeSilentPlatforms(ctx: HubContext): Promise<void> {
  const silent = await ctx.db.query<SilentPlatform>(
    `SELECT id, versions_url, outbound_token, status, quirks FROM platforms
     WHERE outbound_token IS NOT NULL AND status IN ('CONNECTED', 'OFFLINE')
       AND (last_seen_at IS NULL OR last_seen_at < now() - make_interval(secs => $1::double precision))
     ORDER BY last_seen_at NULLS FIRST LIMIT 50`,
    [ctx.config.probeAfterMs / 1000],
  );
  await Promise.all(silent.map((platform) => probe(ctx, platform)));
}

interface SilentPlatform {
  id: string;
  versions_url: string;
  outbound_token: string;
  status: string;
  quirks: Quirks;
}

async function probe(ctx: HubContext, platform: SilentPlatform): Promise<void> {
  let alive = false;
  try {
    const reply = await callOcpi({
      method: 'GET',
      url: platform.versions_url,
      token: ctx.sealer.open(platform.outbound_token),
      tokenEncoding: platform.quirks?.token_encoding,
      timeoutMs: ctx.config.callTimeoutMs,
      outbound: ctx.outbound,
    });
    alive = reply.httpStatus === 200 && reply.envelope?.status_code === 1000;
  } catch {
    alive = false;
  }
  if (alive) await touchPlatform(ctx.db, platform.id);
  const status = alive ? 'CONNECTED' : 'OFFLINE';
  if (status !== platform.status) {
    await changePlatformStatus(ctx, platform.id, status, alive ? 'answered the still-alive probe' : 'no answer to the still-alive probe');
  }
}
