/** Pieces more than one 2.3.0 ⇄ 2.2.1 translator needs: the classes holding 2.3.0 OpenEnums. */
import * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import type { LossLog } from '../context.js';

/** Whether an OpenEnum value is one of the closed 2.2.1 enum's values. */
export function known<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** 2.3.0 added EMAID and made TokenType open; OTHER is 2.2.1's catch-all. */
export function tokenTypeFrom230(type: v230.TokenType, log: LossLog): v221.TokenType {
  if (known(v221.TOKEN_TYPES, type)) return type;
  log.approximated(undefined, `2.2.1 TokenType has no ${type}; OTHER is used`);
  return 'OTHER';
}

export function imageFrom230(image: v230.Image, log: LossLog): v221.Image {
  if (known(v221.IMAGE_CATEGORIES, image.category)) return image as v221.Image;
  log.approximated('category', `2.2.1 ImageCategory has no ${image.category}; OTHER is used`);
  return { ...image, category: 'OTHER' };
}

export function imagesFrom230(images: v230.Image[], log: LossLog): v221.Image[] {
  return images.map((image, index) => imageFrom230(image, log.at(index)));
}

export function businessDetailsFrom230(details: v230.BusinessDetails, log: LossLog): v221.BusinessDetails {
  const { logo, ...rest } = details;
  return logo ? { ...rest, logo: imageFrom230(logo, log.at('logo')) } : rest;
}

export function energyMixFrom230(mix: v230.EnergyMix, log: LossLog): v221.EnergyMix {
  const { environ_impact, ...rest } = mix;
  if (!environ_impact) return rest;
  const kept = environ_impact.filter((impact, index): impact is v221.EnvironmentalImpact => {
    if (known(v221.ENVIRONMENTAL_IMPACT_CATEGORIES, impact.category)) return true;
    log.at('environ_impact').dropped(index, `2.2.1 EnvironmentalImpactCategory has no ${impact.category}`);
    return false;
  });
  return { ...rest, environ_impact: kept };
}

/** A 2.2.1 value is a valid 2.3.0 value wherever 2.3.0 only widened the types: a copy, no losses. */
export function widened<T>(value: object): T {
  return { ...value } as T;
}
