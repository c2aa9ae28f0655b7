// The commands of a contract, exactly as they travel as JSON (see docs/renewals.md).
// Strict: an unknown field is an error, so a typo is reported instead of silently dropped.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { NonNegativeMinorUnitsC, PositiveMinorUnitsC } from '../money.js';
import { ContractIdC, CurrencyC, CycleIdC, IdC, TextC } from '../ids.js';
import { shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { PaymentChannelC } from '../cycle/shapes.js';
import { BillingDayC, CadenceC, contractShapes, DueAfterDaysC, MandateMethodC } from './shapes.js';
import { invoiceShapes } from '../invoice/shapes.js';

const s = contractShapes(true);

const base = { commandId: IdC, contractId: ContractIdC, actor: IdC, at: InstantC };

const command = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) =>
  shape(`${type} command`, { type: t.literal(type), ...base, ...required }, optional ?? ({} as O));

export const OpenContractC = command('OpenContract', {
  customer: s.customer,
  subject: s.subject,
  currency: CurrencyC,
  cadence: CadenceC,
  startDate: BusinessDateC,
  billingDay: BillingDayC,
  dueAfterDays: DueAfterDaysC,
  feePlan: s.feePlan,
});
export const ChangeFeePlanC = command(
  'ChangeFeePlan',
  { changeId: IdC, effectiveFrom: BusinessDateC, feePlan: s.feePlan },
  { reason: TextC },
);
export const GiveMandateC = command('GiveMandate', { mandateId: IdC, method: MandateMethodC, accountRef: TextC });
export const RevokeMandateC = command('RevokeMandate', { mandateId: IdC }, { reason: TextC });
export const ReceiveLumpSumC = command(
  'ReceiveLumpSum',
  { lumpSumId: IdC, amountMinor: PositiveMinorUnitsC, channel: PaymentChannelC },
  { reference: IdC, offline: t.boolean, currency: CurrencyC, advance: s.advance },
);
export const AllocateLumpSumC = command('AllocateLumpSum', {
  lumpSumId: IdC,
  parts: t.readonlyArray(s.allocationPart),
  creditMinor: NonNegativeMinorUnitsC,
});
export const ApplyCreditC = command('ApplyCredit', { applicationId: IdC, cycleId: CycleIdC, amountMinor: PositiveMinorUnitsC });
export const CancelCreditApplicationC = command('CancelCreditApplication', { applicationId: IdC, reason: TextC });
/**
 * Money a provider collected for a cycle that then refused it (paid at the counter in between:
 * OVERPAYMENT): kept as the contract's credit, never lost in a run's tally.
 */
export const CreditOverCollectionC = command(
  'CreditOverCollection',
  { collectionId: IdC, cycleId: CycleIdC, amountMinor: PositiveMinorUnitsC, channel: PaymentChannelC, reason: TextC },
  { reference: IdC },
);
export const EndContractC = command('EndContract', { endDate: BusinessDateC }, { reason: TextC });
/** Sets the buyer the contract's invoices name (name, tax id, address, bank account): an audited change. */
export const SetInvoiceBuyerC = command('SetInvoiceBuyer', { buyer: invoiceShapes(true).buyer }, { reason: TextC });

export const ContractCommandC = tagged('ContractCommand', 'type', {
  OpenContract: OpenContractC,
  ChangeFeePlan: ChangeFeePlanC,
  GiveMandate: GiveMandateC,
  RevokeMandate: RevokeMandateC,
  ReceiveLumpSum: ReceiveLumpSumC,
  AllocateLumpSum: AllocateLumpSumC,
  ApplyCredit: ApplyCreditC,
  CancelCreditApplication: CancelCreditApplicationC,
  EndContract: EndContractC,
  SetInvoiceBuyer: SetInvoiceBuyerC,
  CreditOverCollection: CreditOverCollectionC,
});

export type OpenContract = t.TypeOf<typeof OpenContractC>;
export type ChangeFeePlan = t.TypeOf<typeof ChangeFeePlanC>;
export type GiveMandate = t.TypeOf<typeof GiveMandateC>;
export type RevokeMandate = t.TypeOf<typeof RevokeMandateC>;
export type ReceiveLumpSum = t.TypeOf<typeof ReceiveLumpSumC>;
export type AllocateLumpSum = t.TypeOf<typeof AllocateLumpSumC>;
export type ApplyCredit = t.TypeOf<typeof ApplyCreditC>;
export type CancelCreditApplication = t.TypeOf<typeof CancelCreditApplicationC>;
export type CreditOverCollection = t.TypeOf<typeof CreditOverCollectionC>;
export type EndContract = t.TypeOf<typeof EndContractC>;
export type SetInvoiceBuyer = t.TypeOf<typeof SetInvoiceBuyerC>;
export type ContractCommand = t.TypeOf<typeof ContractCommandC>;
export type ContractCommandType = ContractCommand['type'];
export const CONTRACT_COMMAND_TYPES = Object.keys(ContractCommandC.members) as ContractCommandType[];

const commandName = (input: unknown): string => {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type in ContractCommandC.members ? type : 'contract';
};

/** Decode a contract command from untrusted JSON: every problem with its path. */
export const decodeContractCommand: (input: unknown) => E.Either<InvalidInput, ContractCommand> = (input) =>
  decodeWith(ContractCommandC, `${commandName(input)} command`)(input);

/** The JSON form of a contract command (brands dropped). */
export const encodeContractCommand = (c: ContractCommand): t.OutputOf<typeof ContractCommandC> => ContractCommandC.encode(c);
