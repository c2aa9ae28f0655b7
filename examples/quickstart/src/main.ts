import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import {
  agingAsOf, cycleFigures, decideCycle, decodeCommand, evolveCycle, formatMinor, renewalCycle,
  type BusinessDate, type CycleState,
} from '@renewal-ledger/core';

// Commands arrive as JSON (a form, an HTTP body, a line of a file) and are decoded at the edge.
const commands = [
  { type: 'Bill', commandId: 'cmd-1', cycleId: 'unit-0301/2026-01', actor: 'billing-run', at: '2026-01-01T01:00:00Z',
    contractId: 'unit-0301', period: { start: '2026-01-01', end: '2026-02-01' }, dueDate: '2026-01-15', currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service fee', amountMinor: 31520,
              basis: { kind: 'per-area', quantity: '98.50', rateMinor: 320 } }] },
  { type: 'RecordPayment', commandId: 'cmd-2', cycleId: 'unit-0301/2026-01', actor: 'cashier-chen',
    at: '2026-01-20T10:30:00Z', paymentId: 'pay-1', amountMinor: 10000, channel: 'wechat-pay', reference: 'WX-88213' },
  { type: 'AgreeInstallments', commandId: 'cmd-3', cycleId: 'unit-0301/2026-01', actor: 'clerk-li',
    at: '2026-01-22T09:00:00Z', planId: 'plan-1',
    installments: [{ dueDate: '2026-02-15', amountMinor: 10760 }, { dueDate: '2026-03-15', amountMinor: 10760 }] },
];

let state: CycleState = renewalCycle.initialState();
for (const input of commands) {
  const result = pipe(
    decodeCommand(input),
    E.chainW((command) => decideCycle(command, state)),
  );
  if (E.isLeft(result)) throw new Error(result.left.message); // INVALID_INPUT or a rule code
  state = result.right.events.reduce(evolveCycle, state);
  console.log(`${input.type}: ${result.right.events.map((e) => e.type).join(', ')}`);
}

const f = cycleFigures(state);
console.log(`total ${formatMinor(f.totalMinor, 'CNY')}, paid ${formatMinor(f.netPaidMinor)}, outstanding ${formatMinor(f.outstandingMinor)}`);
for (const day of ['2026-02-10', '2026-03-01', '2026-04-20'] as BusinessDate[]) {
  const a = agingAsOf(day)(state);
  console.log(`as of ${day}: overdue ${formatMinor(a.overdueMinor)}, ${a.daysPastDue} days, bucket ${a.bucket}, plan ${a.planStatus}`);
}
