// The rules of `AgreeInstallments` and `CancelInstallments`, each accepted and refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { activePlan } from '../src/cycle/state.js';
import { agree, bill, cancelPlan, cast, duplicateOf, event, given, history, MAX, meta, pay, simpleBill } from './builders.js';

const agreeing = suite('AgreeInstallments');
// 44000 billed, 4000 paid: 40000 outstanding to spread.
const partPaid = () => history(bill(), pay('p1', 4000));
const threeMonths = [
  ['2026-02-01', 15000],
  ['2026-03-01', 15000],
  ['2026-04-01', 10000],
] as const;

agreeing('a plan whose instalments add up to what is outstanding is agreed', () => {
  const c = agree('plan-1', threeMonths);
  given(partPaid())
    .when(c)
    .then([
      event('InstallmentAgreed', {
        ...meta(c),
        planId: 'plan-1',
        installments: threeMonths.map(([dueDate, amountMinor]) => ({ dueDate, amountMinor })),
      }),
    ]);
  const s = given(partPaid()).when(c).thenState();
  assert.is(activePlan(s)?.agreed.planId, 'plan-1');
  assert.is(activePlan(s)?.netPaidAtAgreementMinor, 4000);
});

agreeing('PLAN_INVALID fewer-than-two: one instalment is not a plan', () => {
  given(partPaid())
    .when(agree('plan-1', [['2026-02-01', 40000]]))
    .thenFails({ code: 'PLAN_INVALID', problem: 'fewer-than-two', installmentCount: 1, installmentsMinor: 40000, outstandingMinor: 40000 });
  given(partPaid())
    .when(agree('plan-1', []))
    .thenFails({ code: 'PLAN_INVALID', problem: 'fewer-than-two', installmentCount: 0, installmentsMinor: 0, outstandingMinor: 40000 });
  given(partPaid())
    .when(
      agree('plan-1', [
        ['2026-02-01', 20000],
        ['2026-03-01', 20000],
      ]),
    )
    .thenState();
});

agreeing('PLAN_INVALID dates-not-increasing: equal or earlier due dates', () => {
  for (const dates of [
    ['2026-02-01', '2026-02-01', '2026-04-01'],
    ['2026-02-01', '2026-03-01', '2026-02-15'],
  ])
    given(partPaid())
      .when(
        agree(
          'plan-1',
          dates.map((d, i) => [d, threeMonths[i]![1]] as const),
        ),
      )
      .thenFails({
        code: 'PLAN_INVALID',
        problem: 'dates-not-increasing',
        installmentCount: 3,
        installmentsMinor: 40000,
        outstandingMinor: 40000,
      });
});

agreeing('PLAN_INVALID sum-mismatch: instalments must add up to outstanding, no more and no less', () => {
  for (const last of [9999, 10001])
    given(partPaid())
      .when(
        agree('plan-1', [
          ['2026-02-01', 15000],
          ['2026-03-01', 15000],
          ['2026-04-01', last],
        ]),
      )
      .thenFails({
        code: 'PLAN_INVALID',
        problem: 'sum-mismatch',
        installmentCount: 3,
        installmentsMinor: 30000 + last,
        outstandingMinor: 40000,
      });
});

agreeing('PLAN_ALREADY_ACTIVE: a second plan while one is in force; after cancelling it a new plan is agreed', () => {
  const active = history(bill(), pay('p1', 4000), agree('plan-1', threeMonths));
  const second = agree('plan-2', [
    ['2026-03-01', 20000],
    ['2026-05-01', 20000],
  ]);
  given(active).when(second).thenFails({ code: 'PLAN_ALREADY_ACTIVE', activePlanId: 'plan-1' });
  const cancelled = history(bill(), pay('p1', 4000), agree('plan-1', threeMonths), cancelPlan('plan-1', 'renegotiated'));
  given(cancelled)
    .when(second)
    .thenState((s) => activePlan(s)?.agreed.planId === 'plan-2');
});

agreeing('ID_CONFLICT: a planId used again with other instalments; the same plan again is a duplicate', () => {
  const active = history(bill(), pay('p1', 4000), agree('plan-1', threeMonths));
  given(active)
    .when(
      agree(
        'plan-1',
        [
          ['2026-02-01', 20000],
          ['2026-03-01', 20000],
        ],
        { commandId: 'agree-plan-1-b' },
      ),
    )
    .thenFails({ code: 'ID_CONFLICT', idField: 'planId', id: 'plan-1', existingCommandId: 'agree-plan-1' });
  const again = agree('plan-1', threeMonths, { commandId: 'agree-plan-1-b', actor: 'clerk-wang' });
  given(active).when(again).thenNothing();
  assert.equal(duplicateOf(active, again), { key: 'planId', id: 'plan-1' });
});

agreeing('INVALID_AMOUNT through decide: an instalment that is not a positive safe integer', () => {
  for (const value of [0, -15000, 1.25])
    given(partPaid())
      .when(
        cast(agree('plan-1', threeMonths), {
          installments: [
            { dueDate: '2026-02-01', amountMinor: 40000 },
            { dueDate: '2026-03-01', amountMinor: value },
          ],
        }),
      )
      .thenFails({ code: 'INVALID_AMOUNT', field: 'installments/1/amountMinor', value });
});

agreeing('AMOUNT_OUT_OF_RANGE: instalments whose sum leaves the safe range', () => {
  given(history(simpleBill(MAX)))
    .when(
      agree('plan-1', [
        ['2026-02-01', MAX],
        ['2026-03-01', MAX],
      ]),
    )
    .thenFails({ code: 'AMOUNT_OUT_OF_RANGE', field: 'installments', operands: [MAX, MAX] });
  given(history(simpleBill(MAX)))
    .when(
      agree('plan-1', [
        ['2026-02-01', MAX - 1],
        ['2026-03-01', 1],
      ]),
    )
    .thenState();
});

agreeing.run();

// ---------------------------------------------------------------------------------------------
const cancelling = suite('CancelInstallments');
const planned = () => history(bill(), pay('p1', 4000), agree('plan-1', threeMonths));

cancelling('a plan in force is cancelled with a reason', () => {
  const c = cancelPlan('plan-1', 'defaulted');
  given(planned())
    .when(c)
    .then([event('InstallmentPlanCancelled', { ...meta(c), planId: 'plan-1', reason: 'defaulted' })]);
  assert.is(activePlan(given(planned()).when(c).thenState()), null);
});

cancelling('UNKNOWN_PLAN', () => {
  given(planned()).when(cancelPlan('plan-9')).thenFails({ code: 'UNKNOWN_PLAN', planId: 'plan-9' });
  given(history(bill())).when(cancelPlan('plan-1')).thenFails({ code: 'UNKNOWN_PLAN', planId: 'plan-1' });
});

cancelling('PLAN_NOT_ACTIVE: cancelling a cancelled plan again; the same cancellation again is a duplicate', () => {
  const cancelled = history(bill(), pay('p1', 4000), agree('plan-1', threeMonths), cancelPlan('plan-1', 'defaulted'));
  given(cancelled)
    .when(cancelPlan('plan-1', 'customer-request', { commandId: 'cancel-plan-1-b' }))
    .thenFails({ code: 'PLAN_NOT_ACTIVE', planId: 'plan-1', cancelReason: 'defaulted' });
  const again = cancelPlan('plan-1', 'defaulted', { commandId: 'cancel-plan-1-b', actor: 'clerk-wang' });
  given(cancelled).when(again).thenNothing();
  assert.equal(duplicateOf(cancelled, again), { key: 'planId', id: 'plan-1' });
});

cancelling.run();
