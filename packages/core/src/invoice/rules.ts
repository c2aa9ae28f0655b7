// A ledger's invoicing rules as an aggregate of their own, on the one stream
// `ledger-invoicing-rules`: which fee codes are invoiced at which rate, when invoices are issued,
// the number series, and what a refund of an invoiced payment leads to. A change is an audited
// fact (who, when, why); the rules in force are the latest.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { Aggregate } from '../aggregate.js';
import { InstantC } from '../calendar.js';
import type { Decision } from '../decider.js';
import { eventCodec } from '../event-codec.js';
import { IdC, StoredIdC, StoredTextC, TextC } from '../ids.js';
import { sameFact } from '../same-fact.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, decodeWith, type InvalidInput } from '../validation.js';
import { invoiceError, type InvoiceError } from './errors.js';
import { invoiceShapes, type InvoicingRules } from './shapes.js';

export const INVOICING_RULES_STREAM = 'ledger-invoicing-rules';

export const SetInvoicingRulesC = shape(
  'SetInvoicingRules command',
  { type: t.literal('SetInvoicingRules'), commandId: IdC, actor: IdC, at: InstantC, rules: invoiceShapes(true).rules },
  { reason: TextC },
);
export type SetInvoicingRules = t.TypeOf<typeof SetInvoicingRulesC>;
export const InvoicingRulesCommandC = tagged('InvoicingRulesCommand', 'type', { SetInvoicingRules: SetInvoicingRulesC });
export type InvoicingRulesCommand = t.TypeOf<typeof InvoicingRulesCommandC>;

/** Decode an invoicing rules command from untrusted JSON. */
export const decodeInvoicingRulesCommand = (input: unknown): E.Either<InvalidInput, InvoicingRulesCommand> =>
  decodeWith(InvoicingRulesCommandC, 'SetInvoicingRules command')(input);

/** The data of `InvoicingRulesSet`. */
export const InvoicingRulesSetDataC = shape(
  'InvoicingRulesSet data',
  { commandId: StoredIdC, actor: StoredIdC, at: InstantC, rules: invoiceShapes(false).rules },
  { reason: StoredTextC },
  false,
);
export const InvoicingRulesEventC = tagged('InvoicingRulesEvent', 'type', {
  InvoicingRulesSet: shape('InvoicingRulesSet event', { type: t.literal('InvoicingRulesSet'), data: InvoicingRulesSetDataC }, {}, false),
});
export type InvoicingRulesSetData = t.TypeOf<typeof InvoicingRulesSetDataC>;
export type InvoicingRulesEvent = t.TypeOf<typeof InvoicingRulesEventC>;

export const invoicingRulesEvents = eventCodec<InvoicingRulesEvent>({
  name: 'invoicing rules',
  schemaVersions: { InvoicingRulesSet: 1 },
  decode: decodeOwnedWith(InvoicingRulesEventC, 'invoicing rules event'),
});

export interface InvoicingRulesState {
  /** The rules in force; null until they are first set (then nothing is invoiced). */
  readonly rules: InvoicingRules | null;
  /** Every change, oldest first: the audit of who set what, when and why. */
  readonly changes: readonly InvoicingRulesSetData[];
  readonly commandIds: readonly string[];
  readonly eventCount: number;
}

export interface InvoicingRulesDuplicate {
  readonly key: 'commandId' | 'rules';
  readonly id: string;
}

const decideRules = (
  c: InvoicingRulesCommand,
  state: InvoicingRulesState,
): E.Either<InvoiceError, Decision<InvoicingRulesEvent, InvoicingRulesDuplicate>> => {
  if (state.commandIds.includes(c.commandId)) return E.right({ events: [], duplicate: { key: 'commandId', id: c.commandId } });
  // The rules decide, not who sets them or when: the same rules again change nothing.
  if (state.rules && sameFact({ r: state.rules }, { r: c.rules }))
    return E.right({ events: [], duplicate: { key: 'rules', id: state.changes[state.changes.length - 1]!.commandId } });
  const codes = new Set<string>();
  for (const rate of c.rules.rates) {
    if (codes.has(rate.feeCode)) return E.left(invoiceError('DUPLICATE_TAX_RATE', { feeCode: rate.feeCode }));
    codes.add(rate.feeCode);
  }
  const data = {
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    rules: c.rules,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  };
  return E.right({ events: [{ type: 'InvoicingRulesSet', data } as InvoicingRulesEvent], duplicate: null });
};

export const invoicingRulesDecider: Aggregate<
  InvoicingRulesCommand,
  InvoicingRulesEvent,
  InvoicingRulesState,
  InvoiceError,
  InvoicingRulesDuplicate,
  InvoicingRulesState
> = {
  decide: decideRules,
  evolve: (state, event) => ({
    rules: event.data.rules,
    changes: [...state.changes, event.data],
    commandIds: [...state.commandIds, event.data.commandId],
    eventCount: state.eventCount + 1,
  }),
  initialState: () => ({ rules: null, changes: [], commandIds: [], eventCount: 0 }),
  streamName: () => INVOICING_RULES_STREAM,
  events: invoicingRulesEvents,
  figures: (state) => state,
};

/** The rate a fee code is invoiced at, in basis points; null when it is not invoiced. */
export const taxRateOf = (rules: InvoicingRules, feeCode: string): number | null =>
  rules.rates.find((r) => r.feeCode === feeCode)?.rateBp ?? null;
