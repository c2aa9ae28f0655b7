// Who may do what: the default policy, command by command and role by role, both ways; money-out
// limits; loading a business's own policy.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  authorise,
  CONTRACT_COMMAND_TYPES,
  cycleAccess,
  InvoiceCommandC,
  InvoicingRulesCommandC,
  LedgerSettingsCommandC,
  ReconciliationCommandC,
  ChannelCommandC,
  RENEWAL_COMMAND_TYPES,
  UserCommandC,
  decodeAccessPolicy,
  DEFAULT_ACCESS_POLICY,
  ComplaintCommandC,
  CollectorsCommandC,
  moneyOutLimit,
  ROLES,
  type AccessPolicy,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { adjust, bill, command, must, CYCLE, event, history, meta, pay, refund, stateOf, writeOff } from './builders.js';

const test = suite('access');

/** The default policy with some members replaced, loaded the way a business's own is. */
const policyWith = (over: Record<string, unknown>): AccessPolicy => must(decodeAccessPolicy({ ...DEFAULT_ACCESS_POLICY, ...over }));

// The default policy written out again by hand, as docs/roles-and-approvals.md has it: a change to
// the policy data must be a change to this table too. Columns: cashier clerk manager auditor system.
const EXPECTED = `
Bill                     . x x . x
RecordPayment            x . x . x
RaiseDispute             x x x . .
ResolveDispute           . x x . .
AgreeInstallments        . x x . .
CancelInstallments       . x x . x
Refund                   x . x . .
Adjust                   . x x . .
WriteOff                 . x x . .
SendReminder             . x x . x
RecordAutoDebitFailure   . . . . x
ReversePayment           . x x . x
ChargeLateFee            . . x . x
WaiveLateFee             . . x . .
ApproveRequest           . . x . .
RejectRequest            . . x . .
ExpireRequest            . . x . x
OpenContract             . x x . x
ChangeFeePlan            . x x . .
GiveMandate              . x x . .
RevokeMandate            . x x . x
ReceiveLumpSum           x . x . x
AllocateLumpSum          x x x . x
ApplyCredit              . x x . x
CancelCreditApplication  . x x . .
EndContract              . x x . .
SetInvoiceBuyer          . x x . .
CreditOverCollection     . . x . x
ReconcileStatement       . x x . x
ResolveDifference        . x x . .
RecordRefusedNotification . . . . x
RecordProviderRefund     . x x . x
OpenComplaint            x x x . .
AssignComplaint          . x x . .
FollowUpComplaint        . x x . .
ResolveComplaint         . x x . .
CloseComplaint           . x x . .
AssignCollector          . x x . .
SetCollectionTarget      . . x . .
RequestInvoice           . x x . x
RecordInvoiceIssued      . x x . x
RecordInvoiceRefused     . x x . x
CancelInvoice            . x x . .
CreditInvoice            . . x . x
SetInvoicingRules        . . x . .
OpenLedger               . . x . x
ChangeTimeZone           . . x . .
SetLateFeePolicy         . . x . .
ClosePeriod              . . x . .
AddUser                  . . x . x
DisableUser              . . x . x
RecordDelivery           . x x . x
`
  .trim()
  .split('\n')
  .map((line) => {
    const [type, ...marks] = line.trim().split(/\s+/);
    return { type: type!, allowed: ROLES.filter((_, i) => marks[i] === 'x') };
  });

test('the table covers every command of the default policy, and no more', () => {
  assert.equal(EXPECTED.map((r) => r.type).sort(), Object.keys(DEFAULT_ACCESS_POLICY.commands).sort());
});

for (const { type, allowed } of EXPECTED) {
  test(`${type}: allowed to ${allowed.join(', ') || 'no one'}, refused NOT_PERMITTED to the rest`, () => {
    for (const role of ROLES) {
      // Only the type matters here (no hooks): money-out limits are tested below.
      const r = authorise(DEFAULT_ACCESS_POLICY, role, { type }, null);
      if (allowed.includes(role)) assert.ok(E.isRight(r), `${role} should be allowed ${type}`);
      else assert.equal(r, E.left({ code: 'NOT_PERMITTED', message: `role ${role} may not issue ${type}`, role, commandType: type }));
    }
  });
}

test('every command of the library’s aggregates is in the default policy (a new one cannot be forgotten)', () => {
  // RequestApproval is checked as the Refund, Adjust or WriteOff it asks for (cycleAccess.permissionOf).
  const all = [
    ...RENEWAL_COMMAND_TYPES.filter((t) => t !== 'RequestApproval'),
    ...CONTRACT_COMMAND_TYPES,
    ...Object.keys(LedgerSettingsCommandC.members),
    ...Object.keys(UserCommandC.members),
    ...Object.keys(InvoiceCommandC.members),
    ...Object.keys(InvoicingRulesCommandC.members),
    ...Object.keys(ReconciliationCommandC.members),
    ...Object.keys(ChannelCommandC.members),
    'RecordDelivery',
    ...Object.keys(ComplaintCommandC.members),
    ...Object.keys(CollectorsCommandC.members),
  ];
  assert.equal(
    all.filter((t) => !(t in DEFAULT_ACCESS_POLICY.commands)),
    [],
  );
});

test('an auditor may issue nothing at all', () => {
  for (const type of Object.keys(DEFAULT_ACCESS_POLICY.commands))
    assert.ok(E.isLeft(authorise(DEFAULT_ACCESS_POLICY, 'auditor', { type }, null)));
});

test('no role (an unknown actor) and a command type the policy does not list are refused', () => {
  assert.equal(
    authorise(DEFAULT_ACCESS_POLICY, null, { type: 'Bill' }, null),
    E.left({ code: 'NOT_PERMITTED', message: 'an actor without a role may not issue Bill', role: null, commandType: 'Bill' }),
  );
  assert.ok(E.isLeft(authorise(DEFAULT_ACCESS_POLICY, 'manager', { type: 'IssueVoucher' }, null)));
});

// A paid cycle in CNY: 300.00 then 900.00 paid. The cashier's limit is 50,000 minor (500.00).
const paid = stateOf(history(bill(), pay('p1', 30000), pay('p2', 9000)));
const decideFor = (role: string, c: RenewalCommand, policy: AccessPolicy = DEFAULT_ACCESS_POLICY) =>
  authorise(policy, role, c, paid, cycleAccess);

test('a cashier refunds up to the limit; one minor unit over becomes a request for approval', () => {
  const within = refund('r1', 'p1', 30000);
  assert.equal(decideFor('cashier', within), E.right(within));
  const over = refund('r2', 'p1', 30000, { amountMinor: 50001, paymentId: 'p1' });
  const r = decideFor('cashier', over);
  assert.ok(E.isRight(r));
  assert.equal(E.isRight(r) && r.right, {
    type: 'RequestApproval',
    cycleId: over.cycleId,
    commandId: over.commandId,
    actor: over.actor,
    at: over.at,
    requestId: 'r2',
    role: 'cashier',
    kind: 'Refund',
    amountMinor: 50001,
    reason: 'paid twice at the counter',
    paymentId: 'p1',
  });
  assert.equal(decideFor('manager', over), E.right(over), 'a manager has no limit');
});

test('a clerk has a limit of 0: every adjustment and write-off is asked for', () => {
  for (const c of [adjust('a1', 1), writeOff('w1', 1)]) {
    const r = decideFor('clerk', c);
    assert.ok(E.isRight(r) && r.right.type === 'RequestApproval' && r.right.kind === c.type);
  }
});

test('a request is allowed to whoever may issue what it asks for, nothing more', () => {
  const r = decideFor('cashier', refund('r2', 'p1', 60000));
  const request = must(r);
  assert.ok(E.isRight(decideFor('cashier', request)));
  assert.equal(
    decideFor('clerk', request),
    E.left({ code: 'NOT_PERMITTED', message: 'role clerk may not issue Refund', role: 'clerk', commandType: 'Refund' }),
  );
});

test('an approver over their own limit is refused with the figures (it cannot be asked for again)', () => {
  const policy = policyWith({ limits: { ...DEFAULT_ACCESS_POLICY.limits, manager: { minor: 100000 } } });
  // A pending adjustment of 1,500.00 asked for by a clerk; the manager may let 1,000.00 go.
  const s = stateOf([
    ...history(bill()),
    event('ApprovalRequested', {
      ...meta(adjust('r9', 1)),
      requestId: 'r9',
      role: 'clerk',
      kind: 'Adjust',
      amountMinor: 150000,
      reason: 'x',
    }),
  ]);
  const approve = command({
    type: 'ApproveRequest',
    cycleId: CYCLE,
    commandId: 'ok',
    actor: 'zhao',
    at: '2026-01-15T09:00:00Z',
    requestId: 'r9',
  });
  assert.equal(
    authorise(policy, 'manager', approve, s, cycleAccess),
    E.left({
      code: 'NOT_PERMITTED',
      message: 'role manager may issue ApproveRequest up to 1000.00, not 1500.00',
      role: 'manager',
      commandType: 'ApproveRequest',
      limitMinor: 100000,
      attemptedMinor: 150000,
    }),
  );
});

test('limits per currency override the role limit; a role without a limit has none', () => {
  const policy = policyWith({ limits: { cashier: { minor: 50000, currencies: { JPY: 5000 } } } });
  assert.is(moneyOutLimit(policy, 'cashier', 'JPY'), 5000);
  assert.is(moneyOutLimit(policy, 'cashier', 'CNY'), 50000);
  assert.is(moneyOutLimit(policy, 'cashier', null), 50000);
  assert.is(moneyOutLimit(policy, 'manager', 'CNY'), null);
});

test('property: a money-out command goes straight through exactly when it is within the limit', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom('Refund', 'Adjust', 'WriteOff'),
      (limit, amount, kind) => {
        const policy = policyWith({
          limits: { cashier: { minor: limit } },
          commands: { ...DEFAULT_ACCESS_POLICY.commands, [kind]: ['cashier'] },
        });
        const c = kind === 'Refund' ? refund('r1', 'p1', amount) : kind === 'Adjust' ? adjust('a1', amount) : writeOff('w1', amount);
        const r = authorise(policy, 'cashier', c, paid, cycleAccess);
        if (E.isLeft(r)) return false;
        const asked = r.right.type === 'RequestApproval';
        // Within: the command itself, untouched; over: its request, for the same amount.
        return asked
          ? amount > limit && r.right.type === 'RequestApproval' && r.right.amountMinor === amount
          : amount <= limit && r.right === c;
      },
    ),
    // The edges, which two independent random amounts seldom hit: exactly the limit, one over, a limit of 0.
    {
      examples: [
        [50000, 50000, 'Adjust'],
        [50000, 50001, 'Adjust'],
        [50000, 50000, 'WriteOff'],
        [50000, 50001, 'WriteOff'],
        [50000, 50001, 'Refund'],
        [0, 1, 'WriteOff'],
      ],
    },
  );
});

test('a business loads its own policy from JSON; undeclared roles and bad limits are named with their paths', () => {
  const own = {
    roles: ['teller', 'boss'],
    commands: { RecordPayment: ['teller'], Refund: ['teller', 'boss'] },
    limits: { teller: { minor: 10000 } },
  };
  const loaded = decodeAccessPolicy(JSON.parse(JSON.stringify(own)));
  assert.ok(E.isRight(loaded));
  assert.ok(E.isRight(authorise((loaded as E.Right<AccessPolicy>).right, 'teller', { type: 'RecordPayment' }, null)));
  const bad = decodeAccessPolicy({ roles: ['teller'], commands: { Refund: ['teller', 'bos'] }, limits: { boss: { minor: -1 } } });
  assert.ok(E.isLeft(bad));
  const problems = E.isLeft(bad) ? bad.left.problems.map((p) => p.path) : [];
  assert.equal(problems, ['limits/boss/minor']);
  const undeclared = decodeAccessPolicy({ roles: ['teller'], commands: { Refund: ['teller', 'bos'] }, limits: { boss: { minor: 1 } } });
  assert.equal(E.isLeft(undeclared) && undeclared.left.problems, [
    { path: 'commands/Refund/1', message: 'role bos is not declared in roles' },
    { path: 'limits/boss', message: 'role boss is not declared in roles' },
  ]);
});

test.run();
