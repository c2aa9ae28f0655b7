// The contract's rules, each both ways: accepted with the events it records, refused with its
// code and figures; and idempotency by command id and by business id.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { contractFigures, decideContract, pendingLumpSums } from '@renewal-ledger/core';
import { activeMandate } from '../src/contract/state.js';
import {
  allocate,
  applyCredit,
  cancelApplication,
  changePlan,
  contractHistory,
  contractMeta,
  contractOf,
  endContract,
  givenContract,
  giveMandate,
  lumpSum,
  open,
  openJson,
  revokeMandate,
  serviceFee,
} from '@renewal-ledger/testing/contracts';

const opening = suite('opening a contract');

opening('records the customer, subject, schedule and fee plan', () => {
  const c = open();
  const { type: _t, commandId: _c, contractId: _k, actor: _a, at: _at, ...fields } = openJson();
  givenContract([])
    .when(c)
    .then([{ type: 'ContractOpened', data: { ...contractMeta(c), ...fields } } as never]);
  const state = givenContract([]).when(c).thenState();
  assert.equal(
    state.feePlans.map((p) => p.effectiveFrom),
    ['2026-01-01'],
  );
});

opening('the same opening again is a duplicate; another is ALREADY_OPENED', () => {
  const events = contractHistory(open());
  givenContract(events)
    .when(open({ commandId: 'open-again', actor: 'clerk-wang' }))
    .thenNothing();
  givenContract(events)
    .when(open({ commandId: 'open-2', billingDay: 5 }))
    .thenFails({ code: 'ALREADY_OPENED', openedByCommandId: 'open-1' });
});

opening('a contract id longer than 150 characters is refused: the ids derived from it must fit', () => {
  const long = 'c'.repeat(151);
  givenContract([])
    .when(open({ contractId: long }))
    .thenFails({ code: 'CONTRACT_ID_TOO_LONG', length: 151, maxLength: 150 });
});

opening('a customer needs a contact', () => {
  givenContract([])
    .when(open({ customer: { name: 'Wang Fang', contact: {} } }))
    .thenFails({ code: 'NO_CONTACT', customer: 'Wang Fang' });
});

opening('fee plans: items, unique codes, a basis the subject can give, sound discounts', () => {
  const plan = (feePlan: unknown) => open({ feePlan });
  givenContract([])
    .when(plan({ items: [] }))
    .thenFails({ code: 'NO_FEE_ITEMS' });
  givenContract([])
    .when(plan({ items: [serviceFee, serviceFee] }))
    .thenFails({ code: 'DUPLICATE_FEE_CODE', feeCode: 'service' });
  givenContract([])
    .when(open({ subject: { kind: 'parking', spaces: 2 }, feePlan: { items: [serviceFee] } }))
    .thenFails({ code: 'AREA_REQUIRED', feeCode: 'service', subjectKind: 'parking' });
  givenContract([])
    .when(plan({ items: [{ code: 'lift', description: 'Lift', basis: { kind: 'per-unit', rateMinor: 500 } }] }))
    .thenFails({ code: 'QUANTITY_REQUIRED', feeCode: 'lift', subjectKind: 'property-unit' });
  const discount = (amount: unknown, eligibility: unknown = { kind: 'tenure-at-least', years: 3 }) => ({
    code: 'loyal',
    description: 'Loyal customer',
    amount,
    eligibility,
  });
  givenContract([])
    .when(plan({ items: [serviceFee], discounts: [discount({ kind: 'percent', percent: '100.5' })] }))
    .thenFails({ code: 'INVALID_PERCENT', discountCode: 'loyal', percent: '100.5' });
  givenContract([])
    .when(plan({ items: [serviceFee], discounts: [discount({ kind: 'percent', percent: '0' })] }))
    .thenFails({ code: 'INVALID_PERCENT', percent: '0' });
  givenContract([])
    .when(
      plan({
        items: [serviceFee],
        discounts: [discount({ kind: 'fixed', amountMinor: 500 }), discount({ kind: 'percent', percent: '5' })],
      }),
    )
    .thenFails({ code: 'DUPLICATE_DISCOUNT_CODE', discountCode: 'loyal' });
  givenContract([])
    .when(
      plan({
        items: [serviceFee],
        discounts: [discount({ kind: 'percent', percent: '5' }, { kind: 'promotion-window', from: '2026-03-31', to: '2026-03-01' })],
      }),
    )
    .thenFails({ code: 'INVALID_PROMOTION_WINDOW', from: '2026-03-31', to: '2026-03-01' });
  // 100% is allowed (a free period), and a parking subject gives its per-unit quantity itself.
  givenContract([])
    .when(plan({ items: [serviceFee], discounts: [discount({ kind: 'percent', percent: '100' })] }))
    .thenState();
  givenContract([])
    .when(
      open({
        subject: { kind: 'parking', spaces: 2 },
        feePlan: { items: [{ code: 'pass', description: 'Parking pass', basis: { kind: 'per-unit', rateMinor: 45000 } }] },
      }),
    )
    .thenState();
});

opening('anything but OpenContract before the opening is NOT_OPENED', () => {
  givenContract([]).when(lumpSum('pay-1', 100)).thenFails({ code: 'NOT_OPENED', commandType: 'ReceiveLumpSum' });
});

opening('a command for another contract is CONTRACT_MISMATCH', () => {
  givenContract(contractHistory(open()))
    .when(lumpSum('pay-1', 100, { contractId: 'unit-0302' }))
    .thenFails({ code: 'CONTRACT_MISMATCH', contractId: 'unit-0301', commandContractId: 'unit-0302' });
});

const plans = suite('fee plan changes');

plans('take effect after the start and after the previous change, before the end', () => {
  const events = contractHistory(open());
  const higher = { items: [{ ...serviceFee, basis: { kind: 'per-area', rateMinor: 350 } }] };
  const state = givenContract(events)
    .when(changePlan('2026-rise', '2026-07-01', higher))
    .thenState();
  assert.equal(
    state.feePlans.map((p) => [p.effectiveFrom, p.change?.changeId ?? null]),
    [
      ['2026-01-01', null],
      ['2026-07-01', '2026-rise'],
    ],
  );
  givenContract(events)
    .when(changePlan('early', '2026-01-01', higher))
    .thenFails({ code: 'EFFECTIVE_DATE_INVALID', problem: 'not-after-start', limit: '2026-01-01' });
  const changed = contractHistory(open(), changePlan('2026-rise', '2026-07-01', higher));
  givenContract(changed)
    .when(changePlan('back', '2026-06-01', higher))
    .thenFails({ code: 'EFFECTIVE_DATE_INVALID', problem: 'not-after-previous', limit: '2026-07-01' });
  givenContract(changed)
    .when(changePlan('2026-rise', '2026-07-01', higher, { commandId: 'again' }))
    .thenNothing();
  givenContract(changed)
    .when(changePlan('2026-rise', '2026-08-01', higher, { commandId: 'other' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'changeId', existingCommandId: 'change-2026-rise' });
  const ended = contractHistory(open(), endContract('2026-09-01'));
  givenContract(ended)
    .when(changePlan('late', '2026-09-01', higher))
    .thenFails({ code: 'EFFECTIVE_DATE_INVALID', problem: 'not-before-end', limit: '2026-09-01' });
  givenContract(events)
    .when(changePlan('bad', '2026-07-01', { items: [] }))
    .thenFails({ code: 'NO_FEE_ITEMS' });
});

const mandates = suite('auto-debit mandates');

mandates('one active at a time; revoked once; a new one after revoking', () => {
  const events = contractHistory(open(), giveMandate('m1'));
  assert.is(activeMandate(contractOf(open(), giveMandate('m1')))?.given.mandateId, 'm1');
  givenContract(events).when(giveMandate('m2')).thenFails({ code: 'MANDATE_ALREADY_ACTIVE', activeMandateId: 'm1' });
  givenContract(events)
    .when(giveMandate('m1', { commandId: 'mandate-again' }))
    .thenNothing();
  givenContract(events)
    .when(giveMandate('m1', { method: 'card', commandId: 'other' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'mandateId' });
  givenContract(events).when(revokeMandate('m9')).thenFails({ code: 'UNKNOWN_MANDATE', mandateId: 'm9' });
  const revoked = contractHistory(open(), giveMandate('m1'), revokeMandate('m1', { reason: 'customer closed the account' }));
  assert.is(activeMandate(contractOf(open(), giveMandate('m1'), revokeMandate('m1'))), null);
  givenContract(revoked)
    .when(revokeMandate('m1', { commandId: 'revoke-again', reason: 'customer closed the account' }))
    .thenNothing();
  givenContract(revoked)
    .when(revokeMandate('m1', { commandId: 'revoke-again' }))
    .thenFails({ code: 'MANDATE_NOT_ACTIVE', mandateId: 'm1' });
  givenContract(revoked)
    .when(giveMandate('m2'))
    .thenState((s) => activeMandate(s)?.given.mandateId === 'm2');
  givenContract(contractHistory(open(), endContract('2026-09-01')))
    .when(giveMandate('m1'))
    .thenFails({ code: 'CONTRACT_ENDED', endDate: '2026-09-01' });
});

const lumps = suite('lump sums and credit');

lumps('a lump sum is recorded in the contract currency; the same reference never counts twice', () => {
  const events = contractHistory(open());
  const c = lumpSum('pay-1', 94560, { reference: 'TRF-88' });
  givenContract(events)
    .when(c)
    .then([
      {
        type: 'LumpSumReceived',
        data: {
          ...contractMeta(c),
          lumpSumId: 'pay-1',
          amountMinor: 94560,
          channel: 'bank-transfer',
          currency: 'CNY',
          reference: 'TRF-88',
        },
      } as never,
    ]);
  const received = contractHistory(open(), c);
  // The same lump sum again (currency given this time) is the same fact.
  givenContract(received)
    .when(lumpSum('pay-1', 94560, { reference: 'TRF-88', currency: 'CNY', commandId: 'again' }))
    .thenNothing();
  givenContract(received)
    .when(lumpSum('pay-1', 100, { commandId: 'again' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'lumpSumId' });
  givenContract(received)
    .when(lumpSum('pay-2', 94560, { reference: 'TRF-88' }))
    .thenFails({ code: 'DUPLICATE_REFERENCE', reference: 'TRF-88', lumpSumId: 'pay-1' });
  givenContract(received)
    .when(lumpSum('pay-2', 94560, { reference: 'TRF-88', channel: 'alipay' }))
    .thenState();
  givenContract(events)
    .when(lumpSum('pay-3', 100, { currency: 'USD' }))
    .thenFails({ code: 'CURRENCY_MISMATCH', contractCurrency: 'CNY', paymentCurrency: 'USD' });
  givenContract(contractHistory(open(), endContract('2026-09-01')))
    .when(lumpSum('pay-4', 100))
    .thenState();
});

lumps('an advance starts on a period start and pays for its periods', () => {
  const events = contractHistory(open());
  // Three months of 315.20 in advance: 945.60.
  givenContract(events)
    .when(lumpSum('pay-1', 94560, { advance: { from: '2026-04-01', periods: 3 } }))
    .thenState();
  givenContract(events)
    .when(lumpSum('pay-1', 94559, { advance: { from: '2026-04-01', periods: 3 } }))
    .thenFails({ code: 'ADVANCE_SHORT', periods: 3, amountMinor: 94559, quotedMinor: 94560 });
  givenContract(events)
    .when(lumpSum('pay-1', 94560, { advance: { from: '2026-04-02', periods: 3 } }))
    .thenFails({ code: 'ADVANCE_NOT_ON_SCHEDULE', from: '2026-04-02', nextPeriodStart: '2026-05-01' });
});

lumps('an allocation adds up to the lump sum, one part per cycle; the rest is credit received', () => {
  const events = contractHistory(open(), lumpSum('pay-1', 70000));
  const c = allocate(
    'pay-1',
    [
      ['unit-0301/2026-01-01', 'pay-1/2026-01-01', 31520],
      ['unit-0301/2026-02-01', 'pay-1/2026-02-01', 31520],
    ],
    6960,
  );
  givenContract(events)
    .when(c)
    .then([
      {
        type: 'LumpSumAllocated',
        data: {
          ...contractMeta(c),
          lumpSumId: 'pay-1',
          parts: [
            { cycleId: 'unit-0301/2026-01-01', paymentId: 'pay-1/2026-01-01', amountMinor: 31520 },
            { cycleId: 'unit-0301/2026-02-01', paymentId: 'pay-1/2026-02-01', amountMinor: 31520 },
          ],
          creditMinor: 6960,
        },
      } as never,
      {
        type: 'CreditReceived',
        data: { ...contractMeta(c), lumpSumId: 'pay-1', amountMinor: 6960, channel: 'bank-transfer', currency: 'CNY' },
      } as never,
    ]);
  const state = givenContract(events).when(c).thenState();
  assert.equal(contractFigures(state), {
    creditReceivedMinor: 6960,
    creditAppliedMinor: 0,
    creditBalanceMinor: 6960,
    lumpSumsMinor: 70000,
  });
  assert.equal(pendingLumpSums(state), []);
  assert.is(pendingLumpSums(contractOf(open(), lumpSum('pay-1', 70000))).length, 1);
  // No credit: no CreditReceived.
  givenContract(events)
    .when(allocate('pay-1', [['unit-0301/2026-01-01', 'pay-1/2026-01-01', 70000]], 0))
    .then([
      {
        type: 'LumpSumAllocated',
        data: {
          ...contractMeta(c),
          lumpSumId: 'pay-1',
          parts: [{ cycleId: 'unit-0301/2026-01-01', paymentId: 'pay-1/2026-01-01', amountMinor: 70000 }],
          creditMinor: 0,
        },
      } as never,
    ]);
  givenContract(events)
    .when(allocate('pay-1', [['unit-0301/2026-01-01', 'pay-1/2026-01-01', 31520]], 6960))
    .thenFails({
      code: 'ALLOCATION_MISMATCH',
      lumpSumMinor: 70000,
      partsMinor: 31520,
      creditMinor: 6960,
    });
  givenContract(events)
    .when(
      allocate(
        'pay-1',
        [
          ['unit-0301/2026-01-01', 'a', 30000],
          ['unit-0301/2026-01-01', 'b', 40000],
        ],
        0,
      ),
    )
    .thenFails({ code: 'DUPLICATE_ALLOCATION_CYCLE', cycleId: 'unit-0301/2026-01-01' });
  givenContract(events)
    .when(allocate('pay-9', [], 70000))
    .thenFails({ code: 'UNKNOWN_LUMP_SUM', lumpSumId: 'pay-9' });
  const allocated = contractHistory(open(), lumpSum('pay-1', 70000), c);
  givenContract(allocated)
    .when(
      allocate(
        'pay-1',
        [
          ['unit-0301/2026-01-01', 'pay-1/2026-01-01', 31520],
          ['unit-0301/2026-02-01', 'pay-1/2026-02-01', 31520],
        ],
        6960,
        { commandId: 'again' },
      ),
    )
    .thenNothing();
  givenContract(allocated)
    .when(allocate('pay-1', [], 70000, { commandId: 'again' }))
    .thenFails({ code: 'ALREADY_ALLOCATED', allocatedByCommandId: 'allocate-pay-1' });
});

lumps("a refusal writes amounts in the contract currency's decimals: JPY 0, KWD 3, CNY 2", () => {
  // A credit of 10000 minor units (10,000 yen, 10.000 dinar, 100.00 yuan); 10001 applied.
  const messages = ['JPY', 'KWD', 'CNY'].map((currency) => {
    const events = contractHistory(open({ currency }), lumpSum('pay-1', 10000), allocate('pay-1', [], 10000));
    return givenContract(events)
      .when(applyCredit('a1', 'unit-0301/2026-04-01', 10001))
      .thenFails({ code: 'CREDIT_EXCEEDS_BALANCE' }).message;
  });
  assert.equal(messages, [
    'applying 10001 of credit exceeds the balance of 10000',
    'applying 10.001 of credit exceeds the balance of 10.000',
    'applying 100.01 of credit exceeds the balance of 100.00',
  ]);
  // 70.000 dinar received, parts of 31.520 and credit of 6.960 offered.
  const dinar = givenContract(contractHistory(open({ currency: 'KWD' }), lumpSum('pay-1', 70000)))
    .when(allocate('pay-1', [['unit-0301/2026-01-01', 'pay-1/2026-01-01', 31520]], 6960))
    .thenFails({ code: 'ALLOCATION_MISMATCH' });
  assert.is(dinar.message, 'lump sum pay-1 of 70.000 is not what its parts (31.520) and credit (6.960) add up to');
  // The rate is in minor units, whole yen for JPY: 98.50 m2 at 320 yen is 31,520 yen a month,
  // 94,560 for three; 94,559 is short.
  const yen = givenContract(contractHistory(open({ currency: 'JPY' })))
    .when(lumpSum('pay-1', 94559, { advance: { from: '2026-01-01', periods: 3 } }))
    .thenFails({ code: 'ADVANCE_SHORT' });
  assert.is(yen.message, '94559 does not pay 3 periods in advance: they come to 94560');
});

lumps('credit is applied up to the balance; a cancelled application gives it back', () => {
  const withCredit = [open(), lumpSum('pay-1', 10000), allocate('pay-1', [], 10000)] as const;
  const events = contractHistory(...withCredit);
  givenContract(events)
    .when(applyCredit('a1', 'unit-0301/2026-04-01', 10001))
    .thenFails({ code: 'CREDIT_EXCEEDS_BALANCE', balanceMinor: 10000, attemptedMinor: 10001 });
  const applied = givenContract(events)
    .when(applyCredit('a1', 'unit-0301/2026-04-01', 6000))
    .thenState();
  assert.is(applied.creditBalanceMinor, 4000);
  const afterApply = contractHistory(...withCredit, applyCredit('a1', 'unit-0301/2026-04-01', 6000));
  givenContract(afterApply)
    .when(applyCredit('a1', 'unit-0301/2026-04-01', 6000, { commandId: 'again' }))
    .thenNothing();
  givenContract(afterApply)
    .when(applyCredit('a1', 'unit-0301/2026-04-01', 5000, { commandId: 'again' }))
    .thenFails({ code: 'ID_CONFLICT', idField: 'applicationId' });
  givenContract(afterApply)
    .when(applyCredit('a2', 'unit-0301/2026-05-01', 4001))
    .thenFails({ code: 'CREDIT_EXCEEDS_BALANCE', balanceMinor: 4000 });
  const cancelled = givenContract(afterApply).when(cancelApplication('a1')).thenState();
  assert.equal(contractFigures(cancelled), {
    creditReceivedMinor: 10000,
    creditAppliedMinor: 0,
    creditBalanceMinor: 10000,
    lumpSumsMinor: 10000,
  });
  const afterCancel = contractHistory(...withCredit, applyCredit('a1', 'unit-0301/2026-04-01', 6000), cancelApplication('a1'));
  givenContract(afterCancel)
    .when(cancelApplication('a1', 'the cycle was paid meanwhile', { commandId: 'again' }))
    .thenNothing();
  givenContract(afterCancel)
    .when(cancelApplication('a1', 'another reason', { commandId: 'again' }))
    .thenFails({ code: 'CREDIT_APPLICATION_CANCELLED', applicationId: 'a1' });
  // Cancelling twice never gives the credit back twice.
  assert.is(contractOf(...withCredit, applyCredit('a1', 'unit-0301/2026-04-01', 6000), cancelApplication('a1')).creditBalanceMinor, 10000);
  givenContract(events).when(cancelApplication('a9')).thenFails({ code: 'UNKNOWN_CREDIT_APPLICATION', applicationId: 'a9' });
});

const ending = suite('ending a contract');

ending('ends after it starts, once', () => {
  const events = contractHistory(open());
  givenContract(events)
    .when(endContract('2026-01-01'))
    .thenFails({ code: 'END_NOT_AFTER_START', startDate: '2026-01-01', endDate: '2026-01-01' });
  const ended = contractHistory(open(), endContract('2026-09-01'));
  givenContract(ended)
    .when(endContract('2026-09-01', { commandId: 'end-again' }))
    .thenNothing();
  givenContract(ended)
    .when(endContract('2026-10-01', { commandId: 'end-2' }))
    .thenFails({ code: 'ALREADY_ENDED', endDate: '2026-09-01' });
});

ending('a command id already applied is a duplicate before any rule', () => {
  const again = decideContract(lumpSum('pay-2', 100, { commandId: 'lump-pay-1' }), contractOf(open(), lumpSum('pay-1', 100)));
  assert.equal(again, E.right({ events: [], duplicate: { key: 'commandId', id: 'lump-pay-1' } }));
});

opening.run();
plans.run();
mandates.run();
lumps.run();
ending.run();
