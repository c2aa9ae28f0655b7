// The events of a contract: `{ type, data }`, in the stream `renewal-contract-<contractId>`.
// Like the cycle's, these shapes only ever grow by optional fields; decoding is loose.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { NonNegativeMinorUnitsC, PositiveMinorUnitsC } from '../money.js';
import { StoredContractIdC, StoredCurrencyC, StoredCycleIdC, StoredIdC, StoredTextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { eventCodec } from '../event-codec.js';
import { PaymentChannelC } from '../cycle/shapes.js';
import { BillingDayC, CadenceC, contractShapes, DueAfterDaysC, MandateMethodC } from './shapes.js';
import { invoiceShapes } from '../invoice/shapes.js';

const s = contractShapes(false);
const base = { contractId: StoredContractIdC, commandId: StoredIdC, actor: StoredIdC, at: InstantC };

const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) => {
  const data = shape(`${type} data`, { ...base, ...required }, optional ?? ({} as O), false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

export const ContractOpened = event('ContractOpened', {
  customer: s.customer,
  subject: s.subject,
  currency: StoredCurrencyC,
  cadence: CadenceC,
  startDate: BusinessDateC,
  billingDay: BillingDayC,
  dueAfterDays: DueAfterDaysC,
  feePlan: s.feePlan,
});
export const FeePlanChanged = event(
  'FeePlanChanged',
  { changeId: StoredIdC, effectiveFrom: BusinessDateC, feePlan: s.feePlan },
  { reason: StoredTextC },
);
export const MandateGiven = event('MandateGiven', { mandateId: StoredIdC, method: MandateMethodC, accountRef: StoredTextC });
export const MandateRevoked = event('MandateRevoked', { mandateId: StoredIdC }, { reason: StoredTextC });
export const LumpSumReceived = event(
  'LumpSumReceived',
  { lumpSumId: StoredIdC, amountMinor: PositiveMinorUnitsC, channel: PaymentChannelC, currency: StoredCurrencyC },
  { reference: StoredIdC, offline: t.boolean, advance: s.advance },
);
export const LumpSumAllocated = event('LumpSumAllocated', {
  lumpSumId: StoredIdC,
  parts: t.readonlyArray(s.allocationPart),
  creditMinor: NonNegativeMinorUnitsC,
});
export const CreditReceived = event('CreditReceived', {
  lumpSumId: StoredIdC,
  amountMinor: PositiveMinorUnitsC,
  channel: PaymentChannelC,
  currency: StoredCurrencyC,
});
export const CreditApplied = event('CreditApplied', {
  applicationId: StoredIdC,
  cycleId: StoredCycleIdC,
  amountMinor: PositiveMinorUnitsC,
});
export const CreditApplicationCancelled = event('CreditApplicationCancelled', { applicationId: StoredIdC, reason: StoredTextC });
/** Added with reconciliation: an over-collection kept as credit (see CreditOverCollection). */
export const OverCollectionCredited = event(
  'OverCollectionCredited',
  {
    collectionId: StoredIdC,
    cycleId: StoredCycleIdC,
    amountMinor: PositiveMinorUnitsC,
    channel: PaymentChannelC,
    currency: StoredCurrencyC,
    reason: StoredTextC,
  },
  { reference: StoredIdC },
);
export const ContractEnded = event('ContractEnded', { endDate: BusinessDateC }, { reason: StoredTextC });
/** The buyer the contract's invoices name from now on; earlier invoices keep the buyer they name. */
export const InvoiceBuyerSet = event('InvoiceBuyerSet', { buyer: invoiceShapes(false).buyer }, { reason: StoredTextC });

export const ContractEventC = tagged('ContractEvent', 'type', {
  ContractOpened: ContractOpened.codec,
  FeePlanChanged: FeePlanChanged.codec,
  MandateGiven: MandateGiven.codec,
  MandateRevoked: MandateRevoked.codec,
  LumpSumReceived: LumpSumReceived.codec,
  LumpSumAllocated: LumpSumAllocated.codec,
  CreditReceived: CreditReceived.codec,
  CreditApplied: CreditApplied.codec,
  CreditApplicationCancelled: CreditApplicationCancelled.codec,
  ContractEnded: ContractEnded.codec,
  InvoiceBuyerSet: InvoiceBuyerSet.codec,
  OverCollectionCredited: OverCollectionCredited.codec,
});

export type ContractOpenedData = t.TypeOf<typeof ContractOpened.data>;
export type FeePlanChangedData = t.TypeOf<typeof FeePlanChanged.data>;
export type MandateGivenData = t.TypeOf<typeof MandateGiven.data>;
export type MandateRevokedData = t.TypeOf<typeof MandateRevoked.data>;
export type LumpSumReceivedData = t.TypeOf<typeof LumpSumReceived.data>;
export type LumpSumAllocatedData = t.TypeOf<typeof LumpSumAllocated.data>;
export type CreditReceivedData = t.TypeOf<typeof CreditReceived.data>;
export type CreditAppliedData = t.TypeOf<typeof CreditApplied.data>;
export type CreditApplicationCancelledData = t.TypeOf<typeof CreditApplicationCancelled.data>;
export type OverCollectionCreditedData = t.TypeOf<typeof OverCollectionCredited.data>;
export type ContractEndedData = t.TypeOf<typeof ContractEnded.data>;
export type InvoiceBuyerSetData = t.TypeOf<typeof InvoiceBuyerSet.data>;

export type ContractEvent = t.TypeOf<typeof ContractEventC>;
export type ContractEventType = ContractEvent['type'];
export type ContractEventOf<T extends ContractEventType> = Extract<ContractEvent, { type: T }>;

/** The schema version every contract event is written with today. Bump per type, with an upcaster. */
export const CONTRACT_SCHEMA_VERSION: Readonly<Record<ContractEventType, number>> = {
  ContractOpened: 1,
  FeePlanChanged: 1,
  MandateGiven: 1,
  MandateRevoked: 1,
  LumpSumReceived: 1,
  LumpSumAllocated: 1,
  CreditReceived: 1,
  CreditApplied: 1,
  CreditApplicationCancelled: 1,
  ContractEnded: 1,
  InvoiceBuyerSet: 1,
  OverCollectionCredited: 1,
};

/** Decodes a contract event the caller owns (e.g. just parsed from storage): it may be returned as is. */
export const decodeContractEvent: (input: unknown) => E.Either<InvalidInput, ContractEvent> = decodeOwnedWith(
  ContractEventC,
  'contract event',
);

export const encodeContractEvent = (e: ContractEvent): t.OutputOf<typeof ContractEventC> => ContractEventC.encode(e);

/** The contract's events for stores and handlers: versions, validation, and `of` for events read. */
export const contractEvents = eventCodec<ContractEvent>({
  name: 'contract',
  schemaVersions: CONTRACT_SCHEMA_VERSION,
  decode: decodeContractEvent,
});

export const isContractEventType = contractEvents.owns;

export const CONTRACT_EVENT_TYPES = contractEvents.types;
