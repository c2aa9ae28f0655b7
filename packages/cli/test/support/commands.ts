// Commands as JSON lines, as a clerk's system would export them: a small portfolio whose figures
// the tests work out by hand.
export const bill = (
  cycleId: string,
  contractId: string,
  amountMinor: number,
  period: { start: string; end: string },
  dueDate: string,
  commandId = `bill-${cycleId}`,
) => ({
  type: 'Bill',
  commandId,
  cycleId,
  actor: 'billing-run',
  at: `${period.start}T01:00:00Z`,
  contractId,
  period,
  dueDate,
  currency: 'CNY',
  lines: [{ code: 'service', description: 'Property service fee', amountMinor }],
});

export const pay = (
  cycleId: string,
  paymentId: string,
  amountMinor: number,
  at: string,
  channel = 'cash',
  extra: Record<string, unknown> = {},
) => ({
  type: 'RecordPayment',
  commandId: `cmd-${paymentId}`,
  cycleId,
  actor: 'cashier-chen',
  at,
  paymentId,
  amountMinor,
  channel,
  ...extra,
});

export const dispute = (cycleId: string, disputeId: string, amountMinor: number, at: string) => ({
  type: 'RaiseDispute',
  commandId: `cmd-${disputeId}`,
  cycleId,
  actor: 'clerk-li',
  at,
  disputeId,
  amountMinor,
  reason: 'Area measured wrong',
});

// Contract commands (docs/renewals.md): the renewal engine bills these.

/** A 98.50 m2 flat at 3.20/m2 a month (315.20), billed on the 1st, due 14 days later. */
export const openFlat = (contractId: string, startDate = '2026-01-01') => ({
  type: 'OpenContract',
  commandId: `open-${contractId}`,
  contractId,
  actor: 'clerk-li',
  at: '2026-01-05T09:00:00Z',
  customer: { name: 'Wang Fang', contact: { phone: '+86 138 0000 0301' } },
  subject: { kind: 'property-unit', unit: contractId, areaM2: '98.50' },
  currency: 'CNY',
  cadence: 'monthly',
  startDate,
  billingDay: 1,
  dueAfterDays: 14,
  feePlan: { items: [{ code: 'service', description: 'Property service fee', basis: { kind: 'per-area', rateMinor: 320 } }] },
});

/** A monthly parking pass, 310.00 a space, billed on the 1st, due 10 days later. */
export const openParking = (contractId: string, startDate: string, spaces = 1) => ({
  type: 'OpenContract',
  commandId: `open-${contractId}`,
  contractId,
  actor: 'clerk-li',
  at: '2026-01-05T09:00:00Z',
  customer: { name: 'Li Lei', contact: { phone: '+86 139 0000 0012' } },
  subject: { kind: 'parking', spaces, location: `B1-${contractId}` },
  currency: 'CNY',
  cadence: 'monthly',
  startDate,
  billingDay: 1,
  dueAfterDays: 10,
  feePlan: { items: [{ code: 'parking', description: 'Monthly parking pass', basis: { kind: 'per-unit', rateMinor: 31000 } }] },
});

export const giveMandate = (contractId: string, method = 'alipay') => ({
  type: 'GiveMandate',
  commandId: `mandate-${contractId}`,
  contractId,
  actor: 'clerk-li',
  at: '2026-01-05T09:05:00Z',
  mandateId: `m-${contractId}`,
  method,
  accountRef: `${method} ****${contractId.slice(-4)}`,
});
