// Path f's rows, worked out with core alone before anything is timed: a seeded portfolio of
// contracts opened in the three months before November 2026, every period through October billed
// already (as the daily runs would have), and the November bills that the month-end run on
// 2026-11-01 must write. Contract events are decided and wrapped as the contract handler does
// (decideContract + envelope), bills as the cycle handler does (billsDue, then plan.ts's
// decideCycle + envelope), so the store filled with the history holds what the library would
// have written, and the November rows are byte for byte what `renewDue` writes (the digest
// check says so).
import * as E from 'fp-ts/lib/Either.js';
import {
  addDaysTo,
  billsDue,
  CONTRACT_SCHEMA_VERSION,
  contractIdOfStream,
  contractStreamName,
  daysBetween,
  decideContract,
  decodeContractCommand,
  envelope,
  evolveContract,
  initialContractState,
  type BusinessDate,
  type ContractCommand,
  type ContractState,
  type Instant,
} from '@renewal-ledger/core';
import { contractOf, randomFor, type ScheduledCommand } from '@renewal-ledger/workload';
import { planCommands, recordedAtOneByOne, type Plan, type PlannedRow } from './plan.js';

/** The run: the first of November, its clock a few minutes past midnight (every bill's recordedAt). */
export const MONTH_END_AS_OF = '2026-11-01' as BusinessDate;
export const MONTH_END_CLOCK = '2026-11-01T00:05:00Z' as Instant;

/** Contracts start on any day of these (a mid-month start: a prorated first bill). */
export const MONTH_END_STARTS = { from: '2026-08-01' as BusinessDate, to: '2026-10-31' as BusinessDate };
/** Every period starting on or before this day is billed before the run. */
const BILLED_THROUGH = '2026-10-31' as BusinessDate;

// The fees of the demo's property office (per m2 of a unit, shared utilities, a parking space; a
// parking pass per space), and an autumn promotion for one contract in ten.
const SERVICE_PER_M2 = 340;
const UTILITIES = 2000;
const PARKING_SPACE = 15000;
const PARKING_PASS = 30000;
const CLERKS = ['clerk-li', 'clerk-wang', 'clerk-zhang'];

export interface MonthEndWork {
  readonly contracts: number;
  /** What the store holds before the run, in recorded order: contracts opened, bills through October. */
  readonly history: readonly PlannedRow[];
  /** Bills among the history. */
  readonly billedBefore: number;
  /** The November bills, in the order renewDue proposes them (contracts in log order). */
  readonly bills: readonly ScheduledCommand[];
  /** Their rows: one `Billed` each, recorded at the run's clock. */
  readonly plan: Plan;
}

const openContract = (index: number, seed: number): ContractCommand => {
  const c = contractOf(index, seed);
  const rng = randomFor(seed, index, 0xf1);
  const startDate = addDaysTo(rng.int(0, daysBetween(MONTH_END_STARTS.from, MONTH_END_STARTS.to)))(MONTH_END_STARTS.from);
  // Signed up to two weeks before it starts, during office hours.
  const signed = addDaysTo(-rng.int(1, 14))(startDate);
  const at = `${signed}T${String(rng.int(9, 17)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00Z`;
  const fee = (code: string, description: string, basis: Record<string, unknown>) => ({ code, description, basis });
  const items =
    c.kind === 'property'
      ? [
          fee('service', 'Property service fee', { kind: 'per-area', rateMinor: SERVICE_PER_M2, unit: 'm2' }),
          fee('utilities', 'Shared utilities', { kind: 'fixed', rateMinor: UTILITIES }),
          ...(c.parkingSpaces > 0
            ? [
                fee('parking', 'Parking space', {
                  kind: 'per-unit',
                  rateMinor: PARKING_SPACE,
                  quantity: String(c.parkingSpaces),
                  unit: 'space',
                }),
              ]
            : []),
        ]
      : [fee('pass', 'Monthly parking pass', { kind: 'per-unit', rateMinor: PARKING_PASS, unit: 'space' })];
  const promotion = rng.chance(0.1)
    ? [
        {
          code: 'autumn',
          description: 'Autumn promotion',
          amount: { kind: 'percent', percent: '5' },
          eligibility: { kind: 'promotion-window', from: '2026-09-01', to: '2026-11-30' },
        },
      ]
    : [];
  const command = decodeContractCommand({
    type: 'OpenContract',
    commandId: `${c.contractId}:open`,
    contractId: c.contractId,
    actor: rng.pick(CLERKS),
    at,
    customer: { name: c.customer, contact: { phone: `+86 139 ${String(index).padStart(8, '0')}` } },
    subject:
      c.kind === 'property'
        ? { kind: 'property-unit', unit: c.contractId.slice(5), areaM2: c.areaM2 }
        : { kind: 'parking', spaces: c.parkingSpaces },
    currency: 'CNY',
    cadence: 'monthly',
    startDate,
    billingDay: 1,
    dueAfterDays: 14,
    feePlan: { items, ...(promotion.length ? { discounts: promotion } : {}) },
  });
  if (E.isLeft(command)) throw new Error(`bench: contract ${index} is not a valid command: ${JSON.stringify(command.left)}`);
  return command.right;
};

/** The contract handler's rows for one command on a new contract, and the contract after it. */
const openedRows = (command: ContractCommand): { row: PlannedRow; state: ContractState } => {
  const decision = decideContract(command, initialContractState());
  if (E.isLeft(decision) || decision.right.events.length !== 1)
    throw new Error(`bench: ${command.commandId} not opened: ${E.isLeft(decision) ? decision.left.code : 'no event'}`);
  const recordedAt = command.at;
  const [e] = envelope(
    decision.right.events,
    { recordedAt, actor: command.actor, commandId: command.commandId, correlationId: command.commandId },
    (type) => CONTRACT_SCHEMA_VERSION[type],
  );
  return {
    row: {
      streamName: contractStreamName(command.contractId),
      streamRevision: 0,
      eventId: e!.eventId,
      type: e!.type,
      schemaVersion: e!.schemaVersion,
      data: JSON.stringify(e!.data),
      metadata: JSON.stringify(e!.metadata),
      recordedAt,
    },
    state: decision.right.events.reduce(evolveContract, initialContractState()),
  };
};

export const planMonthEnd = (contracts: number, seed: number): MonthEndWork => {
  const states = new Map<string, ContractState>();
  const openRows: PlannedRow[] = [];
  const earlier: ScheduledCommand[] = [];
  for (let i = 0; i < contracts; i++) {
    const { row, state } = openedRows(openContract(i, seed));
    openRows.push(row);
    states.set(state.opened!.contractId, state);
    // Each period billed by the run of the day it starts.
    const due = billsDue([state], null, BILLED_THROUGH);
    if (due.refused.length > 0) throw new Error(`bench: ${due.refused[0]!.contractId} refused: ${due.refused[0]!.error.code}`);
    for (const bill of due.bills) earlier.push({ command: bill, recordedAt: `${bill.period.start}T00:05:00Z` as Instant });
  }
  const earlierPlan = planCommands(earlier, recordedAtOneByOne(earlier));
  // In recorded order (stable: a stream's events keep theirs), as the log would have them.
  const history = [...openRows, ...earlierPlan.rows].sort((a, b) =>
    a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0,
  );

  // What renewDue will find: the contracts in the order the log opens them, every bill so far.
  const inLogOrder: ContractState[] = [];
  for (const r of history) if (r.type === 'ContractOpened') inLogOrder.push(states.get(contractIdOfStream(r.streamName)!)!);
  const billed = new Set(earlier.map((b) => b.command.cycleId));
  const due = billsDue(inLogOrder, billed, MONTH_END_AS_OF);
  if (due.bills.length !== contracts || due.refused.length > 0)
    throw new Error(`bench: ${due.bills.length} November bills and ${due.refused.length} refused for ${contracts} contracts`);
  const bills: ScheduledCommand[] = due.bills.map((command) => ({ command, recordedAt: MONTH_END_CLOCK }));
  return { contracts, history, billedBefore: earlier.length, bills, plan: planCommands(bills, () => MONTH_END_CLOCK) };
};
