// The history of one cycle, a readable line per event, read from the event store (the source
// of truth) and folded with core's evolveCycle so each line shows the balance after it.
import {
  cycleEvents,
  cycleFigures,
  cycleStreamName,
  evolveCycle,
  formatMinor,
  initialCycleState,
  type ApprovalRequestedData,
  type CycleState,
  type RecordedEvent,
  type RenewalEvent,
} from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';

export interface HistoryLine {
  readonly position: bigint;
  readonly revision: bigint;
  readonly type: string;
  /** Business time. */
  readonly at: string | null;
  readonly recordedAt: string;
  readonly actor: string;
  /** The actor's role, when the command was checked against an access policy. */
  readonly role: string | null;
  readonly commandId: string;
  /** What happened, in a sentence. */
  readonly text: string;
  /** The cycle's outstanding balance after the event. */
  readonly outstandingAfterMinor: number;
  /** Everything above on one line. */
  readonly line: string;
}

/** `2026-01-10T09:00:00Z` -> `2026-01-10 09:00 UTC` (seconds only when not zero). */
export const formatInstant = (i: string): string => {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?(\.\d+)?Z$/.exec(i);
  if (!m) return i;
  return `${m[1]} ${m[2]}${m[3] && m[3] !== ':00' ? m[3] : ''} UTC`;
};

/** A sentence for an event, amounts in the bill's currency. */
export const describeEvent = (event: RenewalEvent, state: CycleState): string => {
  const currency = state.bill?.currency ?? (event.type === 'Billed' ? event.data.currency : undefined);
  const money = (n: number) => formatMinor(n, currency);
  switch (event.type) {
    case 'Billed': {
      const d = event.data;
      const lines = d.lines.map((l) => `${l.code} ${money(l.amountMinor)}`).join(', ');
      const discounts = d.discounts.length ? `; less ${d.discounts.map((x) => `${x.code} ${money(x.amountMinor)}`).join(', ')}` : '';
      return `Billed ${money(d.totalMinor)} to ${d.contractId} for ${d.period.start} to ${d.period.end}, due ${d.dueDate} (${lines}${discounts})`;
    }
    case 'Paid': {
      const d = event.data;
      const lateFee = d.lateFeeMinor ? `, ${money(d.lateFeeMinor)} of it late fee` : '';
      return `Paid ${money(d.amountMinor)} by ${d.channel}${d.reference ? `, reference ${d.reference}` : ''}${d.offline ? ', taken offline' : ''}${lateFee} (payment ${d.paymentId})`;
    }
    case 'Refunded': {
      const d = event.data;
      const lateFee = d.lateFeeMinor ? ` (${money(d.lateFeeMinor)} of it late fee)` : '';
      return `Refunded ${money(d.amountMinor)} of payment ${d.paymentId}${lateFee}: ${d.reason}`;
    }
    case 'Disputed': {
      const d = event.data;
      return `Disputed ${money(d.amountMinor)}${d.lineCode ? ` of line ${d.lineCode}` : ''}: ${d.reason} (dispute ${d.disputeId})`;
    }
    case 'DisputeResolved': {
      const d = event.data;
      return `Dispute ${d.disputeId} ${d.outcome}${d.adjustmentMinor > 0 ? `, bill lowered by ${money(d.adjustmentMinor)}` : ''}${d.note ? `: ${d.note}` : ''}`;
    }
    case 'InstallmentAgreed': {
      const d = event.data;
      return `Instalment plan ${d.planId} agreed: ${d.installments.map((i) => `${money(i.amountMinor)} by ${i.dueDate}`).join(', ')}`;
    }
    case 'InstallmentPlanCancelled':
      return `Instalment plan ${event.data.planId} cancelled (${event.data.reason})`;
    case 'Adjusted':
      return `Bill lowered by ${money(event.data.amountMinor)}: ${event.data.reason}`;
    case 'ReminderSent':
      return `Reminder${event.data.level ? ` (level ${event.data.level})` : ''} sent by ${event.data.channel}`;
    case 'WrittenOff':
      return `Wrote off ${money(event.data.amountMinor)}: ${event.data.reason}`;
    case 'AutoDebitFailed': {
      const d = event.data;
      return `Auto-debit of ${money(d.amountMinor)} (attempt ${d.attempt} for ${d.dueDate}) failed: ${d.reason} (${d.failureCode}${d.retryable ? ', will retry' : ''})`;
    }
    case 'PaymentReversed': {
      const d = event.data;
      return `Payment ${d.paymentId} reversed, ${money(d.amountMinor)} no longer paid: ${d.reason}${d.reference ? ` (reference ${d.reference})` : ''} (reversal ${d.reversalId})`;
    }
    case 'ApprovalRequested': {
      const d = event.data;
      return `Approval requested by ${d.actor} (${d.role}) for ${requestText(d, money)}: ${d.reason} (request ${d.requestId}, pending)`;
    }
    case 'RequestApproved':
      return `Request ${event.data.requestId} approved by ${event.data.actor}${requestedBy(state, event.data.requestId)}${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'RequestRejected':
      return `Request ${event.data.requestId} rejected by ${event.data.actor}${requestedBy(state, event.data.requestId)}: ${event.data.reason}`;
    case 'RequestExpired':
      return `Request ${event.data.requestId} expired${requestedBy(state, event.data.requestId)}`;
    case 'LateFeeCharged': {
      const d = event.data;
      return `Late fee of ${money(d.amountMinor)} charged as of ${d.asOf} on ${money(d.overdueMinor)} overdue, ${d.chargeableDays} days past the grace (charge ${d.chargeId})`;
    }
    case 'LateFeeWaived':
      return `Late fee of ${money(event.data.amountMinor)} waived: ${event.data.reason} (waiver ${event.data.waiverId})`;
  }
};

const requestText = (d: ApprovalRequestedData, money: (n: number) => string): string =>
  d.kind === 'Refund'
    ? `a refund of ${money(d.amountMinor)} of payment ${d.paymentId}`
    : d.kind === 'Adjust'
      ? `an adjustment of ${money(d.amountMinor)}`
      : `a write-off of ${money(d.amountMinor)}`;

const requestedBy = (state: CycleState, requestId: string): string => {
  const r = state.requests?.find((x) => x.requested.requestId === requestId)?.requested;
  return r ? ` (asked by ${r.actor}, ${r.role})` : '';
};

const lineOf = (e: RecordedEvent, before: CycleState, after: CycleState): HistoryLine => {
  const event = cycleEvents.of(e);
  const at = (e.data as { at?: string }).at ?? null;
  const text = describeEvent(event, before.bill ? before : after);
  const outstandingAfterMinor = cycleFigures(after).outstandingMinor;
  const currency = after.bill?.currency;
  const late = at && at.slice(0, 16) !== e.metadata.recordedAt.slice(0, 16) ? `, recorded ${formatInstant(e.metadata.recordedAt)}` : '';
  return {
    position: e.globalPosition,
    revision: e.streamRevision,
    type: e.type,
    at,
    recordedAt: e.metadata.recordedAt,
    actor: e.metadata.actor,
    role: e.metadata.role ?? null,
    commandId: e.metadata.commandId,
    text,
    outstandingAfterMinor,
    line: `#${e.globalPosition} ${at ? formatInstant(at) : formatInstant(e.metadata.recordedAt)}  ${text}. By ${e.metadata.actor}${e.metadata.role ? ` (${e.metadata.role})` : ''}${late}. Outstanding ${formatMinor(outstandingAfterMinor, currency)}.`,
  };
};

/** Every event of a cycle, oldest first, as a readable line with the balance after it. */
export const cycleHistory = async (store: EventStore, cycleId: string): Promise<readonly HistoryLine[]> => {
  const out: HistoryLine[] = [];
  let state = initialCycleState();
  for await (const e of store.readStream(cycleStreamName(cycleId))) {
    const after = evolveCycle(state, cycleEvents.of(e));
    out.push(lineOf(e, state, after));
    state = after;
  }
  return out;
};
