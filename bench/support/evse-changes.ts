import { callOcpi } from '../../src/ocpi/client.js';
import type { LoadPlan } from './na-load.js';

type Plan = Pick<LoadPlan, 'cpos' | 'locations'>;

/** The EVSE of a plan's i-th change: the Locations in turn, then the next EVSE of each. */
export function evseOfChange(plan: Pick<Plan, 'locations'>, i: number): string {
  const target = plan.locations[i % plan.locations.length];
  return target.evses[Math.floor(i / plan.locations.length) % target.evses.length];
}

/** Sends a plan's i-th EVSE status change through the hub; throws unless it was accepted. */
export async function sendEvseChange(plan: Plan, i: number, lastUpdated: string): Promise<void> {
  const target = plan.locations[i % plan.locations.length];
  const cpo = plan.cpos[target.cpo];
  const reply = await callOcpi({
    method: 'PATCH',
    url: `${cpo.locationsUrl}/${cpo.party.countryCode}/${cpo.party.partyId}/${target.id}/${evseOfChange(plan, i)}`,
    token: cpo.token,
    body: { status: i % 2 ? 'CHARGING' : 'AVAILABLE', last_updated: lastUpdated },
  });
  if (reply.envelope?.status_code !== 1000) throw new Error(`PATCH refused: ${JSON.stringify(reply.envelope)}`);
}
