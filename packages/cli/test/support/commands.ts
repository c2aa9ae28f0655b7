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
