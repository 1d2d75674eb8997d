import type { HubContext } from '../hub/context.js';
import type { Quirks } from '../hub/quirks.js';
import { getPlatform, setQuirks } from '../hub/registry.js';
import { CheckUnavailableError, runConformanceCheck } from './check.js';
import type { CheckReport } from './report.js';
import { checkOf } from './store.js';

/**
 * The operator accepts the quirks a check offered, in one action: they join the partner's quirk
 * profile (lists merged, other values replaced) and the partner is checked again, so the report
 * shows whether they bridge the warnings (and a gated partner whose check now passes is activated).
 */
export async function applyOfferedQuirks(hub: HubContext, platformId: string, checkId: string): Promise<{ quirks: Quirks; check: CheckReport }> {
  const platform = await getPlatform(hub.db, platformId);
  if (!platform) throw new CheckUnavailableError(404, 'No such partner');
  const offered = await checkOf(hub.db, platform.id, checkId);
  if (!offered) throw new CheckUnavailableError(404, `The partner has no check ${checkId}`);
  if (Object.keys(offered.quirks).length === 0) throw new CheckUnavailableError(409, `Check ${checkId} offers no quirks`);
  const quirks = merged(platform.quirks, offered.quirks);
  await setQuirks(hub.db, platform.id, quirks);
  return { quirks, check: await runConformanceCheck(hub, platform.id, 'QUIRKS_APPLIED') };
}

function merged(current: Quirks, offered: Quirks): Quirks {
  const result: Record<string, unknown> = { ...current };
  for (const [name, value] of Object.entries(offered)) {
    const before = result[name];
    result[name] = Array.isArray(value) && Array.isArray(before) ? [...new Set([...before, ...value])] : value;
  }
  return result as Quirks;
}
