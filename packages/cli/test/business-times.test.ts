// Questionable business times through the CLI (issue 12, item 9): a payment dated 1900, a refund
// before its payment and a bill due years before its period are rejected lines with the rule's
// code and dates; the other lines of the file still apply.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bill, pay } from './support/commands.js';
import { workspace } from './support/cli.js';

const CYCLE = 'unit-0301/2026-01';
const JAN = { start: '2026-01-01', end: '2026-02-01' };

test('implausible dates are rejected with the dates that explain them; the rest applies', () => {
  const w = workspace();
  try {
    w.writeLines('day.jsonl', [
      bill(CYCLE, 'unit-0301', 31520, JAN, '2026-01-15'),
      bill('unit-0302/2026-01', 'unit-0302', 31520, JAN, '2023-01-15'),
      pay(CYCLE, 'pay-1900', 1000, '1900-01-20T10:30:00Z'),
      pay(CYCLE, 'pay-1', 10000, '2026-01-20T10:30:00Z'),
      {
        type: 'Refund',
        commandId: 'refund-1',
        cycleId: CYCLE,
        actor: 'clerk-li',
        at: '2026-01-19T09:00:00Z',
        refundId: 'r1',
        paymentId: 'pay-1',
        amountMinor: 500,
        reason: 'paid twice',
      },
      pay(CYCLE, 'pay-early', 2000, '2025-12-28T09:00:00Z', 'bank-transfer'),
    ]);
    const r = w.renewal(['apply', 'day.jsonl', '--format', 'json']);
    assert.is(r.status, 1);
    const lines = r.json().lines;
    assert.equal(
      lines.map((l: any) => [l.status, l.error?.code ?? null]),
      [
        ['applied', null],
        ['rejected', 'DATE_OUT_OF_RANGE'],
        ['rejected', 'DATE_OUT_OF_RANGE'],
        ['applied', null],
        ['rejected', 'DATED_BEFORE_ORIGIN'],
        ['applied', null],
      ],
    );
    // 2026-01-01 - 366 days = 2024-12-31; 2026-02-01 + 366 days = 2027-02-02.
    assert.equal(
      { ...lines[1].error, message: undefined },
      {
        code: 'DATE_OUT_OF_RANGE',
        message: undefined,
        field: 'dueDate',
        value: '2023-01-15',
        earliest: '2024-12-31',
        latest: '2027-02-02',
        periodStart: '2026-01-01',
        periodEnd: '2026-02-01',
      },
    );
    assert.is(
      lines[2].error.message,
      'at 1900-01-20T10:30:00Z is implausible for the period [2026-01-01, 2026-02-01): expected a date from 2016-01-01 to 2036-02-02',
    );
    assert.is(lines[4].error.message, 'a refund dated 2026-01-19T09:00:00Z is before the payment pay-1 it refunds (2026-01-20T10:30:00Z)');
    // The prepayment, dated before the period started, counts: 315.20 - 100.00 - 20.00.
    assert.is(lines[5].figures.outstandingMinor, 19520);
  } finally {
    w.cleanup();
  }
});

test.run();
