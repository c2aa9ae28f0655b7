// The car park's passes, drawn from a seed: who holds a pass, how many spaces, from when, whether
// they signed an auto-debit mandate, and (for those who did not) how they pay at the counter.
// Everything follows from the seed, so a run can be repeated and its figures checked.
import * as E from 'fp-ts/lib/Either.js';
import { addDaysTo, decodeContractCommand, type BusinessDate, type ContractCommand } from '@renewal-ledger/core';

/** 310.00 a space a month. */
export const PASS_RATE_MINOR = 31000;
/** A pass is due five days after its period starts. */
export const DUE_AFTER_DAYS = 5;

/** How a customer without a mandate pays: a few days before the due date, late, or not at all. */
export type CounterHabit =
  | { readonly kind: 'early'; readonly daysBefore: number }
  | { readonly kind: 'late'; readonly daysAfter: number }
  | { readonly kind: 'never' };

export interface Pass {
  readonly contractId: string;
  readonly holder: string;
  readonly spaces: number;
  readonly startDate: BusinessDate;
  /** Auto-debit method, or null: pays at the counter. */
  readonly mandate: 'alipay' | 'wechat-pay' | 'card' | null;
  readonly habit: CounterHabit;
}

/** mulberry32: a small seeded generator (examples need repeatable, not secure, numbers). */
export const seeded = (seed: number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Zhao', 'Huang', 'Zhou', 'Wu'];
const GIVEN = ['Fang', 'Lei', 'Min', 'Jing', 'Wei', 'Na', 'Qiang', 'Yan', 'Jun', 'Hui'];

/** `passes` passes from `from` (the first of a month): most start on it, one in ten joins later that month. */
export const carPark = (options: { readonly seed: number; readonly passes: number; readonly from: BusinessDate }): Pass[] => {
  const random = seeded(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: options.passes }, (_, i) => {
    const joinsLate = random() < 0.1;
    const mandateDraw = random();
    const habitDraw = random();
    return {
      contractId: `bay-${String(i + 1).padStart(3, '0')}`,
      holder: `${pick(SURNAMES)} ${pick(GIVEN)}`,
      spaces: random() < 0.15 ? 2 : 1,
      startDate: joinsLate ? addDaysTo(4 + Math.floor(random() * 16))(options.from) : options.from,
      mandate: mandateDraw < 0.3 ? 'alipay' : mandateDraw < 0.5 ? 'wechat-pay' : mandateDraw < 0.6 ? 'card' : null,
      habit:
        habitDraw < 0.45
          ? { kind: 'early', daysBefore: Math.floor(random() * 4) }
          : habitDraw < 0.85
            ? { kind: 'late', daysAfter: 2 + Math.floor(random() * 12) }
            : { kind: 'never' },
    };
  });
};

const decoded = (input: object): ContractCommand => {
  const d = decodeContractCommand(input);
  if (E.isLeft(d)) throw new Error(`${JSON.stringify(input)}: ${d.left.message}`);
  return d.right;
};

/** The commands that open a pass (and sign its mandate), as the car park's office enters them. */
export const openingCommands = (pass: Pass, at: string): ContractCommand[] => {
  const base = { contractId: pass.contractId, actor: 'office-zhou', at };
  const open = decoded({
    type: 'OpenContract',
    commandId: `open:${pass.contractId}`,
    ...base,
    customer: { name: pass.holder, contact: { phone: `+86 139 0000 ${pass.contractId.slice(-3)}0` } },
    subject: { kind: 'parking', spaces: pass.spaces, location: `level B1, ${pass.contractId}` },
    currency: 'CNY',
    cadence: 'monthly',
    startDate: pass.startDate,
    billingDay: 1,
    dueAfterDays: DUE_AFTER_DAYS,
    feePlan: { items: [{ code: 'pass', description: 'Monthly parking pass', basis: { kind: 'per-unit', rateMinor: PASS_RATE_MINOR } }] },
  });
  if (pass.mandate === null) return [open];
  return [
    open,
    decoded({
      type: 'GiveMandate',
      commandId: `mandate:${pass.contractId}`,
      ...base,
      mandateId: `${pass.contractId}/mandate`,
      method: pass.mandate === 'card' ? 'card' : pass.mandate,
      accountRef: `${pass.mandate} ****${pass.contractId.slice(-3)}`,
    }),
  ];
};

/** The day a customer without a mandate pays a bill at the counter, or null (never). */
export const counterDay = (pass: Pass, dueDate: BusinessDate): BusinessDate | null =>
  pass.habit.kind === 'never' ? null : addDaysTo(pass.habit.kind === 'early' ? -pass.habit.daysBefore : pass.habit.daysAfter)(dueDate);
