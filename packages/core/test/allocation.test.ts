// Lump sums and credit, worked by hand on a flat billed 315.20 a month (due on the 15th).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  allocateLumpSum,
  calculateBill,
  contractDecider,
  cycleFigures,
  decideContract,
  decideCycle,
  decodeCommand,
  evolveCycle,
  fold,
  initialCycleState,
  planCreditApplications,
  type ContractCommand,
  type ContractState,
  type CycleState,
  type Instant,
  type Period,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { openAmountsInOrder } from '../src/allocation/open-amounts.js';
import { allocate, contractOf, lumpSum, must, open } from '@renewal-ledger/testing/contracts';

const flat = (...extra: ContractCommand[]) => contractOf(open({ startDate: '2025-12-01' }), ...extra);

const cmd = (json: Record<string, unknown>): RenewalCommand => must(decodeCommand(json));
/** Applies commands to a cycle; every one must be accepted. */
const run = (state: CycleState, ...commands: RenewalCommand[]): CycleState => {
  let s = state;
  for (const c of commands) {
    const d = decideCycle(c, s);
    if (E.isLeft(d)) throw new Error(`${c.type} ${c.commandId}: ${d.left.message}`);
    for (const e of d.right.events) s = evolveCycle(s, e);
  }
  return s;
};
const cycleOf = (contract: ContractState, start: string, end: string, ...commands: RenewalCommand[]) =>
  run(initialCycleState(), must(calculateBill(contract, { start, end } as Period)), ...commands);
const on = (cycleId: string, type: string, fields: Record<string, unknown>) =>
  cmd({
    type,
    commandId: `${cycleId}:${type}:${Object.values(fields)[0]}`,
    cycleId,
    actor: 'clerk-li',
    at: '2026-03-01T09:00:00Z',
    ...fields,
  });

const JAN = 'unit-0301/2026-01-01';
const FEB = 'unit-0301/2026-02-01';
const MAR = 'unit-0301/2026-03-01';
const DEC = 'unit-0301/2025-12-01';

/** Jan open; Feb with 50.00 disputed; Mar with 100.00 paid. */
const arrears = (contract: ContractState) => [
  cycleOf(contract, '2026-01-01', '2026-02-01'),
  cycleOf(
    contract,
    '2026-02-01',
    '2026-03-01',
    on(FEB, 'RaiseDispute', { disputeId: 'd1', amountMinor: 5000, reason: 'lift out of order' }),
  ),
  cycleOf(contract, '2026-03-01', '2026-04-01', on(MAR, 'RecordPayment', { paymentId: 'p1', amountMinor: 10000, channel: 'cash' })),
];

const lump = suite('lump-sum allocation');

lump("ALLOCATION_INCONSISTENT writes its amounts in the lump sum currency's decimals (KWD 3, JPY 0)", () => {
  // A lump sum of 10,000 minor units whose part already recorded on January is 20,000: more than it.
  const messages = ['KWD', 'JPY'].map((currency) => {
    const contract = contractOf(open({ currency }), lumpSum('pay-1', 10000));
    const january = cycleOf(
      contract,
      '2026-01-01',
      '2026-02-01',
      on(JAN, 'RecordPayment', { paymentId: 'pay-1/2026-01-01', amountMinor: 20000, channel: 'bank-transfer', currency }),
    );
    const planned = allocateLumpSum(contract, [january], 'pay-1');
    assert.ok(E.isLeft(planned) && planned.left.code === 'ALLOCATION_INCONSISTENT');
    return (planned as E.Left<{ message: string }>).left.message;
  });
  assert.equal(messages, [
    'lump sum pay-1 of 10.000 already has parts of 20.000 recorded: more than it',
    'lump sum pay-1 of 10000 already has parts of 20000 recorded: more than it',
  ]);
});

lump('oldest due first, disputed amounts last, the rest credit', () => {
  const contract = flat(lumpSum('pay-77', 100000, { reference: 'TRF-77' }));
  const cycles = arrears(contract);
  assert.equal(
    openAmountsInOrder(cycles).map((a) => [a.cycleId, a.kind, a.dueDate, a.amountMinor]),
    [
      [JAN, 'collectible', '2026-01-15', 31520],
      [FEB, 'collectible', '2026-02-15', 26520],
      [MAR, 'collectible', '2026-03-15', 21520],
      [FEB, 'disputed', '2026-02-15', 5000],
    ],
  );
  const plan = must(allocateLumpSum(contract, cycles, 'pay-77'));
  // 315.20 + (265.20 + 50.00) + 215.20 = 845.60; 1,000.00 - 845.60 = 154.40 credit.
  assert.equal(plan.parts, [
    { cycleId: JAN, paymentId: 'pay-77/2026-01-01', amountMinor: 31520 },
    { cycleId: FEB, paymentId: 'pay-77/2026-02-01', amountMinor: 31520 },
    { cycleId: MAR, paymentId: 'pay-77/2026-03-01', amountMinor: 21520 },
  ]);
  assert.is(plan.creditMinor, 15440);
  assert.equal(plan.payments[0], {
    type: 'RecordPayment',
    commandId: `lump-sum:${JAN}:pay-77`,
    cycleId: JAN,
    actor: 'clerk-li',
    at: '2026-03-10T10:00:00Z',
    paymentId: 'pay-77/2026-01-01',
    amountMinor: 31520,
    channel: 'bank-transfer',
    reference: 'TRF-77',
    currency: 'CNY',
    lumpSumId: 'pay-77',
  } as unknown as RenewalCommand);
  // Every part is accepted by its cycle and settles it; the contract accepts the allocation.
  const after = cycles.map((c) => run(c, ...plan.payments.filter((p) => p.cycleId === c.bill!.cycleId)));
  assert.equal(
    after.map((c) => cycleFigures(c).outstandingMinor),
    [0, 0, 0],
  );
  const decided = must(decideContract(plan.allocate!, contract));
  assert.equal(
    decided.events.map((e) => e.type),
    ['LumpSumAllocated', 'CreditReceived'],
  );
  assert.is(fold(contractDecider)(decided.events, contract).creditBalanceMinor, 15440);
});

lump('instalments count by their own due dates; a small lump sum stops part-way', () => {
  const contract = flat(lumpSum('pay-80', 80000));
  const dec = cycleOf(
    contract,
    '2025-12-01',
    '2026-01-01',
    on(DEC, 'AgreeInstallments', {
      planId: 'plan-1',
      installments: [
        { dueDate: '2026-02-28', amountMinor: 15760 },
        { dueDate: '2026-03-31', amountMinor: 15760 },
      ],
    }),
  );
  const cycles = [
    dec,
    cycleOf(contract, '2026-01-01', '2026-02-01'),
    cycleOf(contract, '2026-02-01', '2026-03-01'),
    cycleOf(contract, '2026-03-01', '2026-04-01'),
  ];
  assert.equal(
    openAmountsInOrder(cycles).map((a) => [a.cycleId, a.dueDate, a.amountMinor]),
    [
      [JAN, '2026-01-15', 31520],
      [FEB, '2026-02-15', 31520],
      [DEC, '2026-02-28', 15760],
      [MAR, '2026-03-15', 31520],
      [DEC, '2026-03-31', 15760],
    ],
  );
  const plan = must(allocateLumpSum(contract, cycles, 'pay-80'));
  // 315.20 + 315.20 + 157.60 = 788.00, then 12.00 of March.
  assert.equal(
    plan.parts.map((p) => [p.cycleId, p.amountMinor]),
    [
      [DEC, 15760],
      [JAN, 31520],
      [FEB, 31520],
      [MAR, 1200],
    ],
  );
  assert.is(plan.creditMinor, 0);
  assert.equal(
    must(decideContract(plan.allocate!, contract)).events.map((e) => e.type),
    ['LumpSumAllocated'],
  );
});

lump('planning again after some parts were recorded proposes only the rest, with the same figures', () => {
  const contract = flat(lumpSum('pay-77', 100000));
  const cycles = arrears(contract);
  const first = must(allocateLumpSum(contract, cycles, 'pay-77'));
  // The run stopped after January's part.
  const half = cycles.map((c) => (c.bill!.cycleId === JAN ? run(c, first.payments.find((p) => p.cycleId === JAN)!) : c));
  const again = must(allocateLumpSum(contract, half, 'pay-77'));
  assert.equal(again.parts, first.parts);
  assert.is(again.creditMinor, first.creditMinor);
  assert.equal(
    again.payments.map((p) => p.cycleId),
    [FEB, MAR].sort(),
  );
  assert.equal(again.allocate, first.allocate);
  // A customer who paid February at the counter in between: the rest goes on to credit instead.
  const paidFeb = half.map((c) =>
    c.bill!.cycleId === FEB ? run(c, on(FEB, 'RecordPayment', { paymentId: 'p-counter', amountMinor: 26520, channel: 'cash' })) : c,
  );
  const replanned = must(allocateLumpSum(contract, paidFeb, 'pay-77'));
  assert.equal(
    replanned.parts.map((p) => [p.cycleId, p.amountMinor]),
    [
      [JAN, 31520],
      [FEB, 5000],
      [MAR, 21520],
    ],
  );
  assert.is(replanned.creditMinor, 100000 - 31520 - 5000 - 21520);
  // Everything recorded and the allocation closed: nothing more to do.
  const closed = fold(contractDecider)(must(decideContract(first.allocate!, contract)).events, contract);
  const done = must(allocateLumpSum(closed, cycles, 'pay-77'));
  assert.equal(
    { payments: done.payments, allocate: done.allocate, creditMinor: done.creditMinor },
    { payments: [], allocate: null, creditMinor: 15440 },
  );
});

lump('other contracts’ cycles and unknown lump sums', () => {
  const contract = flat(lumpSum('pay-5', 5000));
  const other = contractOf(open({ contractId: 'unit-0999', startDate: '2026-01-01' }));
  const plan = must(allocateLumpSum(contract, [cycleOf(other, '2026-01-01', '2026-02-01')], 'pay-5'));
  assert.equal({ parts: plan.parts, creditMinor: plan.creditMinor }, { parts: [], creditMinor: 5000 });
  const unknown = allocateLumpSum(contract, [], 'pay-6');
  assert.ok(E.isLeft(unknown) && unknown.left.code === 'UNKNOWN_LUMP_SUM');
  const long = allocateLumpSum(flat(lumpSum('x'.repeat(195), 5000)), [cycleOf(contract, '2026-01-01', '2026-02-01')], 'x'.repeat(195));
  assert.ok(E.isLeft(long) && long.left.code === 'DERIVED_ID_TOO_LONG');
});

const credit = suite('credit applied to later bills');

const AT = '2026-04-01T00:00:00Z' as Instant;

credit('credit settles open cycles oldest first, never a disputed amount', () => {
  const contract = flat(lumpSum('pay-9', 40000), allocate('pay-9', [], 40000));
  const feb = cycleOf(
    contract,
    '2026-02-01',
    '2026-03-01',
    on(FEB, 'RaiseDispute', { disputeId: 'd1', amountMinor: 31520, reason: 'not my unit' }),
  );
  const apr = cycleOf(contract, '2026-04-01', '2026-05-01');
  const may = cycleOf(contract, '2026-05-01', '2026-06-01');
  const plan = must(planCreditApplications(contract, [may, apr, feb], { at: AT }));
  assert.equal(plan.unfinished, []);
  // 400.00: April's 315.20, then 84.80 of May; February is all disputed.
  assert.equal(
    plan.applications.map(({ apply, pay }) => [
      apply.applicationId,
      apply.cycleId,
      apply.amountMinor,
      pay.paymentId,
      pay.channel,
      (pay as { creditApplicationId?: string }).creditApplicationId,
    ]),
    [
      [
        'unit-0301/2026-04-01/credit-1',
        'unit-0301/2026-04-01',
        31520,
        'unit-0301/2026-04-01/credit-1',
        'other',
        'unit-0301/2026-04-01/credit-1',
      ],
      [
        'unit-0301/2026-05-01/credit-1',
        'unit-0301/2026-05-01',
        8480,
        'unit-0301/2026-05-01/credit-1',
        'other',
        'unit-0301/2026-05-01/credit-1',
      ],
    ],
  );
  assert.equal(plan.applications[0]!.apply.commandId, 'apply-credit:unit-0301/2026-04-01/credit-1');
  assert.equal(plan.applications[0]!.pay.commandId, 'credit:unit-0301/2026-04-01/credit-1');
});

credit('an application recorded on the contract but not on its cycle is finished first', () => {
  let contract = flat(lumpSum('pay-9', 40000), allocate('pay-9', [], 40000));
  const apr = cycleOf(contract, '2026-04-01', '2026-05-01');
  const first = must(planCreditApplications(contract, [apr], { at: AT }));
  contract = fold(contractDecider)(must(decideContract(first.applications[0]!.apply, contract)).events, contract);
  assert.is(contract.creditBalanceMinor, 40000 - 31520);
  const may = cycleOf(contract, '2026-05-01', '2026-06-01');
  const resumed = must(planCreditApplications(contract, [apr, may], { at: '2026-05-01T00:00:00Z' as Instant }));
  assert.equal(resumed.unfinished, [first.applications[0]!.pay]);
  assert.equal(
    resumed.applications.map(({ apply }) => [apply.cycleId, apply.amountMinor]),
    [['unit-0301/2026-05-01', 8480]],
  );
  const paid = run(apr, first.applications[0]!.pay);
  assert.is(cycleFigures(paid).outstandingMinor, 0);
  const settled = must(planCreditApplications(contract, [paid, may], { at: AT }));
  assert.equal(settled.unfinished, []);
});

credit('a cycle with credit applied before gets the next application number', () => {
  let contract = flat(lumpSum('pay-9', 10000), allocate('pay-9', [], 10000));
  const apr = cycleOf(contract, '2026-04-01', '2026-05-01');
  const first = must(planCreditApplications(contract, [apr], { at: AT }));
  contract = fold(contractDecider)(must(decideContract(first.applications[0]!.apply, contract)).events, contract);
  const aprPaid = run(apr, first.applications[0]!.pay);
  contract = fold(contractDecider)(must(decideContract(lumpSum('pay-10', 5000), contract)).events, contract);
  contract = fold(contractDecider)(must(decideContract(allocate('pay-10', [], 5000), contract)).events, contract);
  const second = must(planCreditApplications(contract, [aprPaid], { at: AT }));
  assert.equal(
    second.applications.map(({ apply }) => [apply.applicationId, apply.amountMinor]),
    [['unit-0301/2026-04-01/credit-2', 5000]],
  );
  assert.is(cycleFigures(run(aprPaid, second.applications[0]!.pay)).outstandingMinor, 31520 - 15000);
});

lump.run();
credit.run();
