// The reminder policy and the auto-debit schedule, day by day on a flat's January bill
// (315.20 due 2026-01-15), and the cycle's new AutoDebitFailed fact.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import {
  calculateBill,
  collectionOutcome,
  collectionsDue,
  cycleFigures,
  decideCycle,
  decodeCommand,
  evolveCycle,
  initialCycleState,
  remindersDue,
  type BusinessDate,
  type CollectionDue,
  type CycleState,
  type Instant,
  type Period,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { reminderStepOf } from '../src/reminders/policy.js';
import { contractOf, giveMandate, must, open, revokeMandate } from '@renewal-ledger/testing/contracts';

const JAN = 'unit-0301/2026-01-01';
const contract = contractOf(open());
const cmd = (json: Record<string, unknown>): RenewalCommand => must(decodeCommand(json));
const run = (state: CycleState, ...commands: RenewalCommand[]): CycleState => {
  let s = state;
  for (const c of commands) {
    const d = decideCycle(c, s);
    if (E.isLeft(d)) throw new Error(`${c.type}: ${d.left.message}`);
    for (const e of d.right.events) s = evolveCycle(s, e);
  }
  return s;
};
const january = (...commands: RenewalCommand[]) =>
  run(initialCycleState(), must(calculateBill(contract, { start: '2026-01-01', end: '2026-02-01' } as Period)), ...commands);
const at = (date: string) => `${date}T09:00:00Z` as Instant;
const due = (state: CycleState, date: string) => remindersDue([state], date as BusinessDate, { at: at(date) }).reminders;
const on = (type: string, fields: Record<string, unknown>, date = '2026-01-20') =>
  cmd({ type, commandId: `${type}-${Object.values(fields)[0]}`, cycleId: JAN, actor: 'clerk-li', at: at(date), ...fields });

const reminders = suite('reminder policy');

reminders('7 days before: app; 1 day after: sms; 15: phone; 30: letter', () => {
  const state = january();
  assert.equal(due(state, '2026-01-07'), []);
  assert.equal(due(state, '2026-01-08'), [
    cmd({
      type: 'SendReminder',
      commandId: `remind:${JAN}/reminder/2026-01-15/1`,
      cycleId: JAN,
      actor: 'reminder-policy',
      at: '2026-01-08T09:00:00Z',
      reminderId: `${JAN}/reminder/2026-01-15/1`,
      channel: 'app',
      level: 1,
    }),
  ]);
  const steps = ['2026-01-15', '2026-01-16', '2026-01-29', '2026-01-30', '2026-02-13', '2026-02-14'].map((d) => {
    const s = reminderStepOf(state, d as BusinessDate);
    return [d, s?.step.channel ?? null, s?.step.level ?? null];
  });
  assert.equal(steps, [
    ['2026-01-15', 'app', 1],
    ['2026-01-16', 'sms', 2],
    ['2026-01-29', 'sms', 2],
    ['2026-01-30', 'phone', 3],
    ['2026-02-13', 'phone', 3],
    ['2026-02-14', 'letter', 4],
  ]);
});

reminders('each reminder once; a late run sends the latest step only; a higher level sent by hand counts', () => {
  const sent = january(due(january(), '2026-01-08')[0]!);
  assert.equal(due(sent, '2026-01-12'), []);
  assert.equal(due(sent, '2026-01-15'), []);
  const sms = due(sent, '2026-01-16');
  assert.equal(
    sms.map((r) => [r.channel, r.level]),
    [['sms', 2]],
  );
  // The job did not run between 16 January and 20 February: the letter, not the phone call too.
  assert.equal(
    due(january(), '2026-02-20').map((r) => [r.reminderId, r.channel, r.level]),
    [[`${JAN}/reminder/2026-01-15/4`, 'letter', 4]],
  );
  // A clerk phoned (level 3) on 1 February: no phone step from the policy.
  const phoned = january(on('SendReminder', { reminderId: 'call-1', channel: 'phone', level: 3 }, '2026-02-01'));
  assert.equal(due(phoned, '2026-02-02'), []);
  assert.equal(
    due(phoned, '2026-02-15').map((r) => r.channel),
    ['letter'],
  );
});

reminders('nothing collectible, nothing to remind: paid, disputed in full, or not billed', () => {
  assert.equal(due(january(on('RecordPayment', { paymentId: 'p1', amountMinor: 31520, channel: 'cash' })), '2026-01-20'), []);
  assert.equal(due(january(on('RaiseDispute', { disputeId: 'd1', amountMinor: 31520, reason: 'wrong unit' })), '2026-01-20'), []);
  assert.equal(remindersDue([initialCycleState()], '2026-01-20' as BusinessDate, { at: at('2026-01-20') }).reminders, []);
  // Part paid: the rest is chased.
  assert.equal(
    due(january(on('RecordPayment', { paymentId: 'p1', amountMinor: 20000, channel: 'cash' })), '2026-01-20').map((r) => r.level),
    [2],
  );
});

reminders('under an instalment plan reminders follow the instalments', () => {
  const plan = january(
    on(
      'AgreeInstallments',
      {
        planId: 'plan-1',
        installments: [
          { dueDate: '2026-02-10', amountMinor: 15760 },
          { dueDate: '2026-03-10', amountMinor: 15760 },
        ],
      },
      '2026-01-12',
    ),
  );
  assert.equal(due(plan, '2026-01-20'), []);
  assert.equal(
    due(plan, '2026-02-03').map((r) => r.reminderId),
    [`${JAN}/reminder/2026-02-10/1`],
  );
  assert.equal(
    due(plan, '2026-02-11').map((r) => [r.reminderId, r.channel]),
    [[`${JAN}/reminder/2026-02-10/2`, 'sms']],
  );
  const firstPaid = run(plan, on('RecordPayment', { paymentId: 'p1', amountMinor: 15760, channel: 'alipay' }, '2026-02-09'));
  assert.equal(due(firstPaid, '2026-02-11'), []);
  assert.equal(
    due(firstPaid, '2026-03-03').map((r) => r.reminderId),
    [`${JAN}/reminder/2026-03-10/1`],
  );
});

const debit = suite('auto-debit schedule');

const mandated = contractOf(open(), giveMandate('m1'));
const collect = (state: CycleState, date: string, c = mandated) => collectionsDue(c, [state], date as BusinessDate);
const failure = (d: CollectionDue, retryable: boolean, date: string) =>
  collectionOutcome(d, {
    status: 'failed',
    code: retryable ? 'insufficient-funds' : 'card-expired',
    reason: retryable ? 'Insufficient funds' : 'Card expired',
    retryable,
    at: at(date),
  });

debit('on the due date the overdue amount is collected through the mandate', () => {
  assert.equal(collect(january(), '2026-01-14'), []);
  assert.equal(collect(january(), '2026-01-15'), [
    {
      attemptId: `${JAN}/auto-debit/2026-01-15/1`,
      contractId: 'unit-0301',
      cycleId: JAN,
      dueDate: '2026-01-15',
      attempt: 1,
      scheduledFor: '2026-01-15',
      amountMinor: 31520,
      currency: 'CNY',
      mandate: { mandateId: 'm1', method: 'alipay', accountRef: 'alipay ****0301' },
    } as CollectionDue,
  ]);
  assert.equal(collect(january(), '2026-01-15', contract), []);
  assert.equal(collect(january(), '2026-01-15', contractOf(open(), giveMandate('m1'), revokeMandate('m1'))), []);
  const [d] = collect(january(), '2026-01-15');
  const paid = collectionOutcome(d!, {
    status: 'collected',
    transactionId: 'ALI-0001',
    amountMinor: 31520,
    at: '2026-01-15T02:00:00Z' as Instant,
  });
  assert.equal(
    paid,
    cmd({
      type: 'RecordPayment',
      commandId: `auto-debit:${JAN}/auto-debit/2026-01-15/1`,
      cycleId: JAN,
      actor: 'auto-debit',
      at: '2026-01-15T02:00:00Z',
      paymentId: `${JAN}/auto-debit/2026-01-15/1`,
      amountMinor: 31520,
      channel: 'auto-debit',
      reference: 'ALI-0001',
      currency: 'CNY',
    }),
  );
  const settled = january(paid);
  assert.is(cycleFigures(settled).outstandingMinor, 0);
  assert.equal(collect(settled, '2026-01-20'), []);
});

debit('retryable failures are tried again 3 and 7 days after the due date, then left to staff', () => {
  let state = january();
  const attempts: string[] = [];
  for (const date of ['2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-21', '2026-01-22', '2026-01-30']) {
    for (const d of collect(state, date)) {
      attempts.push(`${d.attempt}@${d.scheduledFor} on ${date}`);
      state = run(state, failure(d, true, date));
    }
  }
  assert.equal(attempts, ['1@2026-01-15 on 2026-01-15', '2@2026-01-18 on 2026-01-18', '3@2026-01-22 on 2026-01-22']);
  assert.equal(
    state.autoDebitFailures!.map((f) => [f.attempt, f.failureCode, f.retryable]),
    [
      [1, 'insufficient-funds', true],
      [2, 'insufficient-funds', true],
      [3, 'insufficient-funds', true],
    ],
  );
  // A failure retrying cannot fix stops the schedule at once.
  const expired = january(failure(collect(january(), '2026-01-15')[0]!, false, '2026-01-15'));
  assert.equal(collect(expired, '2026-02-15'), []);
  // A run that comes late asks once, for the attempt that is due.
  assert.equal(
    collect(january(), '2026-01-25').map((d) => [d.attempt, d.scheduledFor]),
    [[1, '2026-01-15']],
  );
  // Its retry then waits its days from that late attempt: never charged again at once, however
  // late the run or how often it runs that day.
  const lateFailure = january(failure(collect(january(), '2026-01-25')[0]!, true, '2026-01-25'));
  assert.equal(collect(lateFailure, '2026-01-25'), []);
  assert.equal(collect(lateFailure, '2026-01-27'), []);
  assert.equal(
    collect(lateFailure, '2026-01-28').map((d) => [d.attempt, d.scheduledFor]),
    [[2, '2026-01-28']],
  );
});

const failed = suite('AutoDebitFailed on the cycle');

failed('records the gateway’s answer without touching the figures; the same attempt is one fact', () => {
  const d = collect(january(), '2026-01-15')[0]!;
  const c = failure(d, true, '2026-01-15');
  const state = january(c);
  assert.equal(cycleFigures(state), cycleFigures(january()));
  assert.equal(state.autoDebitFailures, [
    {
      cycleId: JAN,
      commandId: `auto-debit:${JAN}/auto-debit/2026-01-15/1`,
      actor: 'auto-debit',
      at: '2026-01-15T09:00:00Z',
      attemptId: `${JAN}/auto-debit/2026-01-15/1`,
      amountMinor: 31520,
      dueDate: '2026-01-15',
      attempt: 1,
      failureCode: 'insufficient-funds',
      reason: 'Insufficient funds',
      retryable: true,
      mandateId: 'm1',
    },
  ] as never);
  const again = decideCycle({ ...c, commandId: 'other' } as RenewalCommand, state);
  assert.equal(again, E.right({ events: [], duplicate: { key: 'attemptId', id: `${JAN}/auto-debit/2026-01-15/1` } }));
  const conflict = decideCycle({ ...c, commandId: 'other', reason: 'Bank offline' } as RenewalCommand, state);
  assert.ok(E.isLeft(conflict) && conflict.left.code === 'ID_CONFLICT');
  const unbilled = decideCycle(c, initialCycleState());
  assert.ok(E.isLeft(unbilled) && unbilled.left.code === 'NOT_BILLED');
  // States stored before the type existed have no autoDebitFailures field: they still fold.
  const { autoDebitFailures: _f, ...old } = january();
  assert.equal(
    evolveCycle(old as CycleState, { type: 'AutoDebitFailed', data: state.autoDebitFailures![0]! }).autoDebitFailures!.length,
    1,
  );
});

failed('a payment may say which lump sum or credit application it comes from', () => {
  const part = on('RecordPayment', { paymentId: 'pay-77/2026-01-01', amountMinor: 31520, channel: 'bank-transfer', lumpSumId: 'pay-77' });
  assert.is(january(part).payments[0]!.lumpSumId, 'pay-77');
  const credit = on('RecordPayment', {
    paymentId: `${JAN}/credit-1`,
    amountMinor: 100,
    channel: 'other',
    creditApplicationId: `${JAN}/credit-1`,
  });
  assert.is(january(credit).payments[0]!.creditApplicationId, `${JAN}/credit-1`);
  // The link is part of the fact: the same payment id with another link is another fact.
  const relinked = decideCycle({ ...part, commandId: 'x', lumpSumId: 'pay-78' } as RenewalCommand, january(part));
  assert.ok(E.isLeft(relinked) && relinked.left.code === 'ID_CONFLICT');
});

reminders.run();
debit.run();
failed.run();
