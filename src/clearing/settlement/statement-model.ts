/**
 * A statement's totals as stored (statements.totals) and served: decimal strings in the
 * statement's currency, never floats. Written by the run, frozen when the period closes.
 */
export interface TaxSubtotal {
  name: string;
  percentage: string | null;
  amount: string;
}

export interface ClassTotals {
  count: number;
  /** Excluding taxes. */
  net: string;
  tax: string;
  gross: string;
  taxes: TaxSubtotal[];
}

export interface StatementTotals {
  /** payable: owed by the eMSP to the CPO (credits included, negative); held_back: disputed,
   *  listed but not paid; written_off: given up by the CPO. */
  classes: { payable: ClassTotals; held_back: ClassTotals; written_off: ClassTotals };
  /** Payable amounts per cost dimension, excluding taxes. */
  dimensions: { energy: string; time: string; parking: string; fixed: string; reservation: string };
  /** What the hub's fees were computed on. */
  basis: { sessions: number; kwh: string; volume: string };
  credits: { count: number; gross: string };
  prior_period_adjustments: { count: number; gross: string };
  /** The hub's fees, each charged to one party: this statement's share of the payer's fee for the
   *  period, with the taxes of the payer's jurisdiction on it. */
  fees: Array<{
    schedule_id: string;
    payer: 'CPO' | 'EMSP';
    party: string;
    detail: string;
    net: string;
    taxes: TaxSubtotal[];
    total: string;
  }>;
  /** What the eMSP pays the CPO for this statement (the payable gross). */
  amount_payable: string;
}

/**
 * What a statement shows of each CDR besides its times and status: identifiers, place, contract,
 * tariff, quantities and cost per dimension, as decimal strings in the statement's currency.
 */
export interface CdrFigures {
  cdr_id: string;
  session_id: string | null;
  invoice_reference_id: string | null;
  time_zone: string;
  evse_uid: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  contract_id: string | null;
  tariff_id: string | null;
  tariff_version: string | null;
  energy_kwh: string;
  charging_minutes: string;
  idle_minutes: string;
  energy_cost: string;
  time_cost: string;
  parking_cost: string;
  fixed_cost: string;
  reservation_cost: string;
  claimed_total: string;
  computed_total: string | null;
}
