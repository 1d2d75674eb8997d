import type { Token, WhitelistType } from '../ocpi/v2_2_1/index.js';
import { emaidCheckDigit } from '../pnc/emaid.js';
import type { Operator } from './operators.js';
import type { Random } from './random.js';

/** What the eMSP knows about a driver's contract; OCPI only carries `valid`, the eMSP knows why. */
export type ContractStatus = 'ACTIVE' | 'BLOCKED' | 'EXPIRED';

export interface Driver {
  contractId: string;
  status: ContractStatus;
  /** A physical card to tap at a charger. */
  rfid?: Token;
  /** An account in the eMSP's app, which starts sessions remotely. */
  app?: Token;
  /** A Plug & Charge contract (ISO 15118-2): its EMAID travels as a token of type OTHER in 2.2.1. */
  emaid?: Token;
  /** The PCID of the driver's Plug & Charge vehicle. */
  pcid?: string;
}

/**
 * An eMSP's drivers: most have a card, many an app account. A few contracts are blocked or expired,
 * and card whitelists vary so that CPOs sometimes authorize from their cache and sometimes ask.
 */
export function driversFor(operator: Operator, count: number, rng: Random, lastUpdated: string): Driver[] {
  return Array.from({ length: count }, (_, index) => {
    const contractId = `${operator.countryCode}-${operator.partyId}-C${String(index + 1).padStart(8, '0')}`;
    const roll = rng.next();
    const status: ContractStatus = roll < 0.08 ? 'BLOCKED' : roll < 0.12 ? 'EXPIRED' : 'ACTIVE';
    const hasCard = rng.chance(0.8);
    const hasApp = !hasCard || rng.chance(0.6);
    const token = (type: Token['type'], uid: string, whitelist: WhitelistType): Token => ({
      country_code: operator.countryCode,
      party_id: operator.partyId,
      uid,
      type,
      contract_id: contractId,
      ...(type === 'RFID' ? { visual_number: `${operator.partyId}-${String(index + 1).padStart(6, '0')}` } : {}),
      issuer: operator.name,
      valid: status === 'ACTIVE',
      whitelist,
      language: operator.countryCode === 'CA' && rng.chance(0.3) ? 'fr' : 'en',
      last_updated: lastUpdated,
    });
    // Every third driver has a Plug & Charge car (decided by position, so no random draw changes).
    const plugAndCharge = index % 3 === 0;
    const serial = String(index + 1).padStart(8, '0');
    const emaidBody = `${operator.countryCode}${operator.partyId}P${serial}`;
    return {
      contractId,
      status,
      rfid: hasCard ? token('RFID', rng.hex(14), cardWhitelist(rng)) : undefined,
      app: hasApp ? token('APP_USER', `APP-${operator.partyId}-${rng.hex(10)}`, 'ALLOWED') : undefined,
      ...(plugAndCharge
        ? {
            emaid: {
              country_code: operator.countryCode,
              party_id: operator.partyId,
              uid: emaidBody + emaidCheckDigit(emaidBody),
              type: 'OTHER',
              contract_id: emaidBody + emaidCheckDigit(emaidBody),
              issuer: operator.name,
              valid: status === 'ACTIVE',
              whitelist: 'ALLOWED',
              last_updated: lastUpdated,
            } satisfies Token,
            pcid: `SWY${operator.countryCode}${operator.partyId}0${serial}`,
          }
        : {}),
    };
  });
}

function cardWhitelist(rng: Random): WhitelistType {
  const roll = rng.next();
  if (roll < 0.1) return 'ALWAYS';
  if (roll < 0.25) return 'NEVER';
  if (roll < 0.4) return 'ALLOWED_OFFLINE';
  return 'ALLOWED';
}
