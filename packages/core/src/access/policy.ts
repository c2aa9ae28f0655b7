// Who may do what, as data (docs/roles-and-approvals.md): the roles of a collection office, the
// commands each may issue, and how much money each may let go out (a refund, an adjustment, a
// write-off) before a second person has to approve it. A business loads its own policy from JSON
// (`decodeAccessPolicy`); `DEFAULT_ACCESS_POLICY` is what runs when it does not.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { NonNegativeMinorUnitsC, type NonNegativeMinorUnits } from '../money.js';
import { PositiveIntC } from '../cycle/shapes.js';
import { shape } from '../shape.js';
import { decodeWith, invalidInput, type InvalidInput, type Problem } from '../validation.js';

const RoleNameC = new t.Type<string, string, unknown>(
  'a role name (letters, digits, - and _; 1-50 characters)',
  (u): u is string => typeof u === 'string' && /^[A-Za-z0-9_-]{1,50}$/.test(u),
  (u, c) => (typeof u === 'string' && /^[A-Za-z0-9_-]{1,50}$/.test(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

/** A role's money-out limit: `minor` in any currency, `currencies` overriding it per ISO 4217 code. */
export const MoneyOutLimitC = shape(
  'MoneyOutLimit',
  {},
  { minor: NonNegativeMinorUnitsC, currencies: t.record(t.string, NonNegativeMinorUnitsC) },
);

export const AccessPolicyC = shape(
  'AccessPolicy',
  {
    roles: t.readonlyArray(RoleNameC),
    /** Command type -> the roles that may issue it. A command type not listed is refused to everyone. */
    commands: t.record(t.string, t.readonlyArray(RoleNameC)),
    /** Role -> its money-out limit. A role not listed has none: it may let any amount go out. */
    limits: t.record(t.string, MoneyOutLimitC),
  },
  {
    /**
     * How many days a request for approval waits before the expiry run closes it
     * (`requestsToExpire`); absent: `DEFAULT_REQUEST_EXPIRY_DAYS`.
     */
    requestExpiryDays: PositiveIntC,
  },
);

export type MoneyOutLimit = t.TypeOf<typeof MoneyOutLimitC>;
export type AccessPolicy = t.TypeOf<typeof AccessPolicyC>;

/** The roles of the default policy. */
export const ROLES = ['cashier', 'clerk', 'manager', 'auditor', 'system'] as const;
export type Role = (typeof ROLES)[number];

// Cashiers take money, clerks bill, agree plans and handle disputes, managers approve what goes
// out, auditors read and change nothing, `system` is the renewal engine and the auto-debit runner.
// Other aggregates' commands (a late-fee waiver, say) are added here as they appear: a command
// type not listed is refused to every role once a handler checks access.
const operators = ['clerk', 'manager', 'system'];
/** The policy that runs unless a business loads its own; docs/roles-and-approvals.md has it as a table. */
export const DEFAULT_ACCESS_POLICY: AccessPolicy = {
  roles: [...ROLES],
  commands: {
    // The renewal cycle.
    Bill: operators,
    RecordPayment: ['cashier', 'manager', 'system'],
    RaiseDispute: ['cashier', 'clerk', 'manager'],
    ResolveDispute: ['clerk', 'manager'],
    AgreeInstallments: ['clerk', 'manager'],
    CancelInstallments: operators,
    Refund: ['cashier', 'manager'],
    Adjust: ['clerk', 'manager'],
    WriteOff: ['clerk', 'manager'],
    SendReminder: operators,
    RecordAutoDebitFailure: ['system'],
    // The late-fee run charges what the policy computes; forgoing a fee is a manager's call.
    // A bounce or chargeback reopens a bill: found by reconciliation (the system) or by a clerk.
    ReversePayment: ['clerk', 'manager', 'system'],
    ChargeLateFee: ['manager', 'system'],
    WaiveLateFee: ['manager'],
    ApproveRequest: ['manager'],
    RejectRequest: ['manager'],
    ExpireRequest: ['manager', 'system'],
    // The contract.
    OpenContract: operators,
    ChangeFeePlan: ['clerk', 'manager'],
    GiveMandate: ['clerk', 'manager'],
    RevokeMandate: ['clerk', 'manager', 'system'],
    ReceiveLumpSum: ['cashier', 'manager', 'system'],
    AllocateLumpSum: ['cashier', 'clerk', 'manager', 'system'],
    ApplyCredit: operators,
    CancelCreditApplication: ['clerk', 'manager'],
    EndContract: ['clerk', 'manager'],
    SetInvoiceBuyer: ['clerk', 'manager'],
    CreditOverCollection: ['manager', 'system'],
    // Closing a day against the providers' statements, and settling what differed.
    ReconcileStatement: operators,
    ResolveDifference: ['clerk', 'manager'],
    // What a payment provider said that is not a payment: the notification endpoints and the
    // refund sender record it (system); a clerk or manager may record an answer read elsewhere.
    RecordRefusedNotification: ['system'],
    RecordProviderRefund: operators,
    // Invoices (docs/invoices.md): the invoicing run (system) asks for and records them; a red
    // invoice takes tax back, so it is a manager's or the run's after a refund.
    RequestInvoice: operators,
    RecordInvoiceIssued: operators,
    RecordInvoiceRefused: operators,
    CancelInvoice: ['clerk', 'manager'],
    CreditInvoice: ['manager', 'system'],
    SetInvoicingRules: ['manager'],
    // Complaint cases (docs/complaints.md): whoever hears a complaint opens it; clerks and
    // managers own, follow up, resolve and close them. A compensation is an Adjust of a cycle,
    // checked on its own against the role's limit.
    OpenComplaint: ['cashier', 'clerk', 'manager'],
    AssignComplaint: ['clerk', 'manager'],
    FollowUpComplaint: ['clerk', 'manager'],
    ResolveComplaint: ['clerk', 'manager'],
    CloseComplaint: ['clerk', 'manager'],
    // The collection office (docs/collectors-and-targets.md): clerks and managers assign
    // contracts to collectors; a target, which pay may follow, is a manager's.
    AssignCollector: ['clerk', 'manager'],
    SetCollectionTarget: ['manager'],
    // The ledger's settings and its users.
    OpenLedger: ['manager', 'system'],
    ChangeTimeZone: ['manager'],
    SetLateFeePolicy: ['manager'],
    // Closing a period seals the books as they stood: a manager's act, never the engine's.
    ClosePeriod: ['manager'],
    AddUser: ['manager', 'system'],
    DisableUser: ['manager', 'system'],
    // What became of a reminder, notice or receipt sent (docs/reminders-and-notices.md): the
    // dispatcher (system) records it, or a clerk from a provider's report.
    RecordDelivery: operators,
  },
  limits: {
    // 500.00 in a currency of two decimals; 50,000 yen (JPY has none).
    cashier: { minor: 50_000 as NonNegativeMinorUnits },
    // Every write-off and adjustment of a clerk is looked at: 0 means any amount needs approval.
    clerk: { minor: 0 as NonNegativeMinorUnits },
  },
};

/** Whether `role` may issue commands of type `commandType`. */
export const mayIssue = (policy: AccessPolicy, role: string | null, commandType: string): boolean =>
  role !== null && (policy.commands[commandType]?.includes(role) ?? false);

/** The most `role` may let go out in `currency` without approval, in minor units; null when unlimited. */
export const moneyOutLimit = (policy: AccessPolicy, role: string, currency: string | null): number | null => {
  const limit = policy.limits[role];
  if (!limit) return null;
  const own = currency !== null ? limit.currencies?.[currency] : undefined;
  return own ?? limit.minor ?? null;
};

/**
 * Decodes a policy a business wrote (parsed JSON): every problem with its path, including a role
 * used in `commands` or `limits` that `roles` does not declare (a typo would otherwise lock a
 * command away from everyone).
 */
export const decodeAccessPolicy = (input: unknown): E.Either<InvalidInput, AccessPolicy> => {
  const decoded = decodeWith(AccessPolicyC, 'access policy')(input);
  if (E.isLeft(decoded)) return decoded;
  const policy = decoded.right;
  const declared = new Set(policy.roles);
  const problems: Problem[] = [];
  for (const [type, roles] of Object.entries(policy.commands))
    roles.forEach((r, i) => {
      if (!declared.has(r)) problems.push({ path: `commands/${type}/${i}`, message: `role ${r} is not declared in roles` });
    });
  for (const r of Object.keys(policy.limits))
    if (!declared.has(r)) problems.push({ path: `limits/${r}`, message: `role ${r} is not declared in roles` });
  return problems.length > 0 ? E.left(invalidInput('access policy', problems)) : E.right(policy);
};
