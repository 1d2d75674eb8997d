/**
 * CDRs 2.3.0 ⇄ 2.2.1: every cost is a 2.3.0 Price, cdr_token has an open TokenType, the CdrLocation an
 * open ConnectorType, and the Tariffs are 2.3.0 Tariffs.
 */
import * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { priceFrom230, priceTo230 } from '../money.js';
import { CDR_COST_FIELDS } from '../../v2_2_1/types.js';
import { known } from './common.js';
import { tariffDown, tariffUp } from './tariffs.js';
import { tokenDown } from './tokens.js';


export function cdrFrom230(cdr: v230.Cdr, _ctx: TranslationContext): Translated<v221.Cdr> {
  return translated((log) => {
    const { cdr_token, cdr_location, tariffs, ...rest } = cdr;
    const out: Record<string, unknown> = {
      ...rest,
      cdr_token: tokenDown(cdr_token, log.at('cdr_token')),
      cdr_location: cdrLocationDown(cdr_location, log.at('cdr_location')),
    };
    if (tariffs) out.tariffs = tariffs.map((tariff, index) => tariffDown(tariff, log.at('tariffs').at(index)));
    for (const field of CDR_COST_FIELDS) {
      if (cdr[field]) out[field] = priceFrom230(cdr[field], log.at(field));
    }
    return out as v221.Cdr;
  });
}

export function cdrTo230(cdr: v221.Cdr, _ctx: TranslationContext): Translated<v230.Cdr> {
  return translated((log) => {
    const out: Record<string, unknown> = { ...cdr };
    if (cdr.tariffs) out.tariffs = cdr.tariffs.map(tariffUp);
    for (const field of CDR_COST_FIELDS) {
      if (cdr[field]) out[field] = priceTo230(cdr[field], log.at(field));
    }
    return out as v230.Cdr;
  });
}

/** A connector standard 2.2.1 does not know leaves the CdrLocation without one (invalid); the loss says why. */
function cdrLocationDown(location: v230.CdrLocation, log: LossLog): Record<string, unknown> {
  const { connector_standard, ...rest } = location;
  if (known(v221.CONNECTOR_TYPES, connector_standard)) return { ...rest, connector_standard };
  log.dropped('connector_standard', `ConnectorType ${connector_standard} does not exist in 2.2.1`);
  return rest;
}
