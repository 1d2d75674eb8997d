/**
 * What an audit can find wrong with a CDR. Each finding is either a defect of the CDR itself (it
 * contradicts its own data, the tariff, or another CDR) or a difference of interpretation (the CDR
 * matches the tariff as some partners read it, e.g. step_size per period: ocpi/ocpi#334).
 */
export type DivergenceCode =
  | 'TOTAL_COST'
  | 'ENERGY_COST'
  | 'TIME_COST'
  | 'PARKING_COST'
  | 'FIXED_COST'
  | 'RESERVATION_COST'
  | 'TAX'
  | 'COST_SUM'
  | 'TOTAL_ENERGY'
  | 'TOTAL_TIME'
  | 'TOTAL_PARKING_TIME'
  | 'PERIOD_OUTSIDE_SESSION'
  | 'CURRENCY'
  | 'NO_TARIFF'
  | 'TARIFF_NOT_IN_FORCE'
  | 'NO_TIME_ZONE'
  | 'NEAR_DUPLICATE'
  | 'CREDIT_UNKNOWN_CDR'
  | 'CREDIT_MISMATCH';

export type DivergenceKind = 'CDR_DEFECT' | 'INTERPRETATION';

export interface Divergence {
  code: DivergenceCode;
  kind: DivergenceKind;
  message: string;
  claimed?: string;
  computed?: string;
}
