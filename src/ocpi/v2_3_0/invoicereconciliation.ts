/**
 * Invoice Reconciliation module (mod_invoice_reconciliation.asciidoc), new in 2.3.0 edition 2: a
 * record naming an invoice and the CDRs it bills, sent by whoever issued the invoice (the CPO in
 * direct billing, the eMSP in reverse billing). No 2.2.1 counterpart.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CiString, DateTimeSchema } from './types.js';

export const InvoiceReconciliationRecordSchema = Type.Object({
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  invoice_id: CiString(255),
  cdrs: Type.Array(CiString(36), { minItems: 1 }),
  last_updated: DateTimeSchema,
});
export type InvoiceReconciliationRecord = Static<typeof InvoiceReconciliationRecordSchema>;
