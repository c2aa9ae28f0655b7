// What the access check (../access/authorise.ts) needs to know about a renewal cycle: a request
// is allowed to whoever may issue what it requests; a refund, an adjustment or a write-off lets
// money go out and, over the role's limit, becomes a request for approval; an approval lets the
// requested money go out, so the approver's own limit must cover it.
import type { AccessHooks, MoneyOut } from '../access/authorise.js';
import type { RenewalCommand, RequestApproval } from './commands.js';
import type { CycleState } from './state.js';

const requestFor =
  (c: Extract<RenewalCommand, { type: 'Refund' | 'Adjust' | 'WriteOff' }>) =>
  (role: string): RequestApproval => ({
    type: 'RequestApproval',
    cycleId: c.cycleId,
    commandId: c.commandId,
    actor: c.actor,
    at: c.at,
    requestId: c.type === 'Refund' ? c.refundId : c.type === 'Adjust' ? c.adjustmentId : c.writeOffId,
    role: role as RequestApproval['role'],
    kind: c.type,
    amountMinor: c.amountMinor,
    reason: c.reason,
    ...(c.type === 'Refund' ? { paymentId: c.paymentId } : {}),
  });

export const cycleAccess: AccessHooks<RenewalCommand, CycleState> = {
  permissionOf: (c) => (c.type === 'RequestApproval' ? c.kind : c.type),
  moneyOut: (c, state): MoneyOut<RenewalCommand> | null => {
    const currency = state.bill?.currency ?? null;
    switch (c.type) {
      case 'Refund':
      case 'Adjust':
      case 'WriteOff':
        return { amountMinor: c.amountMinor, currency, asRequest: requestFor(c) };
      case 'ApproveRequest': {
        const pending = state.requests?.find((r) => r.requested.requestId === c.requestId && r.closing === null);
        return pending ? { amountMinor: pending.requested.amountMinor, currency, asRequest: null } : null;
      }
      default:
        return null;
    }
  },
};
