// The demo's office and a day of approvals: a few users with their roles (kept on renewal-users,
// with the demo password so they can sign in to the property service), then, on the last
// simulated day, money going out under the default policy: a cashier's refund over the limit
// waits for the manager, one within it goes straight through, a clerk's adjustment waits and is
// rejected, a self-approval and an auditor's refund are refused. Every command id is derived, so
// a second run finds them all recorded.
import {
  DEFAULT_ACCESS_POLICY,
  decodeCommand,
  decodeUserCommand,
  renewalCycle,
  usersDecider,
  type BusinessDate,
  type Instant,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { getCommandHandler, hashPassword, readUsers, type EventStore } from '@renewal-ledger/eventstore';
import type { ContractPortfolioPlan, PlannedDay } from '@renewal-ledger/workload';
import { money } from './output.js';

/** Who works in the demo's office, and as what (docs/roles-and-approvals.md). */
export const DEMO_USERS = [
  ['manager-zhao', 'manager'],
  ['cashier-chen', 'cashier'],
  ['clerk-li', 'clerk'],
  ['auditor-sun', 'auditor'],
  ['renewal-engine', 'system'],
] as const;
/** The demo users' password, to sign in to the property service on the demo's store. Demo only. */
export const DEMO_PASSWORD = 'renewal-demo';

export interface ApprovalStep {
  readonly who: string;
  readonly role: string;
  readonly what: string;
  /** applied, pending (asked for), duplicate or the refusal's code. */
  readonly outcome: string;
  readonly events: readonly string[];
}

const must = (input: unknown): RenewalCommand => {
  const r = decodeCommand(input);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

/** Adds the demo's users that are not there yet (a new salt each time would make the same user other details). */
const addUsers = async (store: EventStore, at: Instant): Promise<number> => {
  const existing = (await readUsers(store)).users;
  const handler = getCommandHandler(usersDecider, { store, clock: () => at });
  let added = 0;
  for (const [userId, role] of DEMO_USERS) {
    if (existing.has(userId)) continue;
    const c = decodeUserCommand({
      type: 'AddUser',
      commandId: `demo-user:${userId}`,
      actor: 'renewal-demo',
      at,
      userId,
      role,
      passwordHash: hashPassword(DEMO_PASSWORD),
    });
    if (c._tag === 'Left') throw new Error(c.left.message);
    if ((await handler.handle(c.right)).status === 'applied') added++;
  }
  return added;
};

/** Two payments of the plan's last days large enough to show a refund over a cashier's limit and one within it. */
const paymentsToRefund = (lastDays: readonly PlannedDay[]) => {
  const refunded = new Set<string>();
  const payments: Extract<RenewalCommand, { type: 'RecordPayment' }>[] = [];
  for (const day of lastDays.slice(-10))
    for (const { command } of day.cycleCommands) {
      if (command.type === 'Refund') refunded.add(command.paymentId);
      if (command.type === 'RecordPayment' && command.amountMinor >= 60000 && command.creditApplicationId === undefined)
        payments.push(command);
    }
  return payments.filter((p) => !refunded.has(p.paymentId)).slice(0, 2);
};

export const dayOfApprovals = async (
  store: EventStore,
  plan: Pick<ContractPortfolioPlan, 'asOf' | 'firstDay'>,
  /** The plan's last ten days (or more), as simulated. */
  lastDays: readonly PlannedDay[],
  at: (date: BusinessDate, hour: number, minute?: number) => Instant,
): Promise<{ usersAdded: number; steps: ApprovalStep[] }> => {
  const day = plan.asOf;
  const usersAdded = await addUsers(store, at(plan.firstDay, 0));
  const [big, small] = paymentsToRefund(lastDays);
  const steps: ApprovalStep[] = [];
  if (!big || !small) return { usersAdded, steps };
  const roleOf = new Map<string, string>(DEMO_USERS);
  const run = async (who: string, hour: number, input: Record<string, unknown>, what: string) => {
    const time = at(day, hour);
    const role = roleOf.get(who)!;
    const handler = getCommandHandler(renewalCycle, { store, clock: () => time, access: DEFAULT_ACCESS_POLICY, role });
    const r = await handler.handle(must({ ...input, actor: who, at: time }));
    const events = r.status === 'applied' ? r.events.map((e) => e.type) : [];
    const outcome =
      r.status === 'rejected' ? r.error.code : r.status === 'applied' && events[0] === 'ApprovalRequested' ? 'pending' : r.status;
    steps.push({ who, role, what, outcome, events });
  };
  const refundOf = (p: typeof big, refundId: string, amountMinor: number) => ({
    type: 'Refund',
    commandId: `demo-approvals:${refundId}`,
    cycleId: p.cycleId,
    refundId,
    paymentId: p.paymentId,
    amountMinor,
    reason: 'paid twice: the tenant paid by card and at the counter',
  });
  const big600 = refundOf(big, 'demo-refund-1', 60000);
  await run('cashier-chen', 9, big600, `refund ${money(60000, 'CNY')} of ${big.paymentId} (over the cashier's ${money(50000, 'CNY')})`);
  await run(
    'cashier-chen',
    10,
    refundOf(small, 'demo-refund-2', 12000),
    `refund ${money(12000, 'CNY')} of ${small.paymentId} (within the limit)`,
  );
  await run(
    'clerk-li',
    11,
    {
      type: 'Adjust',
      commandId: 'demo-approvals:adjust-1',
      cycleId: big.cycleId,
      adjustmentId: 'demo-adjust-1',
      amountMinor: 8000,
      reason: 'goodwill after a lift outage',
    },
    `adjust ${big.cycleId} by ${money(8000, 'CNY')} (a clerk's every adjustment is asked for)`,
  );
  await run('auditor-sun', 12, refundOf(small, 'demo-refund-3', 100), 'refund by an auditor');
  const decide = (type: 'ApproveRequest' | 'RejectRequest', requestId: string, who: string) => ({
    type,
    commandId: `demo-approvals:${type}:${requestId}:${who}`,
    cycleId: big.cycleId,
    requestId,
    ...(type === 'RejectRequest' ? { reason: 'the outage was a week, not a month: no goodwill' } : {}),
  });
  await run('cashier-chen', 14, decide('ApproveRequest', 'demo-refund-1', 'cashier-chen'), 'the cashier tries to approve her own refund');
  await run('manager-zhao', 15, decide('ApproveRequest', 'demo-refund-1', 'manager-zhao'), 'the manager approves the refund');
  await run('manager-zhao', 15, decide('RejectRequest', 'demo-adjust-1', 'manager-zhao'), 'the manager rejects the adjustment');
  return { usersAdded, steps };
};

export const renderApprovals = (day: string, usersAdded: number, steps: readonly ApprovalStep[]): string =>
  [
    `A day of approvals, ${day} (default policy; users: ${DEMO_USERS.map(([u, r]) => `${u} ${r}`).join(', ')}${usersAdded ? `, ${usersAdded} added this run` : ''})`,
    ...steps.map(
      (s) => `  ${`${s.who} (${s.role})`.padEnd(26)} ${s.what}: ${s.outcome}${s.events.length ? ` [${s.events.join(', ')}]` : ''}`,
    ),
  ].join('\n');
