// The reports the demo and the view commands print: the aging table, the collection rate, the
// top debtors and the takings per channel. Data first (what --format json prints), text second.
import { AGING_BUCKETS, type BusinessDate, type TakingsReport } from '@renewal-ledger/core';
import type { BillingPeriodFigures, CurrencyTotals, Debtor, Portfolio } from '@renewal-ledger/projection-arrears';
import type { ChannelReceipts } from '@renewal-ledger/projection-receipts';
import { ratioOf } from '@renewal-ledger/projections';
import type { AuditVerification, LateEntry } from '@renewal-ledger/projection-audit';
import { amount, amountCells, amountHeaders, count, csv, plural, table } from './output.js';

export const rate = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

export const renderAging = (portfolio: Portfolio): string => {
  if (portfolio.currencies.length === 0) return `Arrears aging as of ${portfolio.asOf}: nothing billed yet.`;
  return portfolio.currencies.map((c) => renderCurrencyAging(portfolio.asOf, c)).join('\n\n');
};

const renderCurrencyAging = (asOf: BusinessDate, c: CurrencyTotals): string => {
  const of = (minor: number | bigint) => amount(minor, c.currency);
  const rows: (string | number)[][] = AGING_BUCKETS.map((b) => [b, count(c.bucketCycles[b]), of(c.buckets[b])]);
  rows.push(['total', '', of(c.collectibleMinor)]);
  return [
    `Arrears aging as of ${asOf} (${c.currency}): every collectible amount in exactly one bucket`,
    table(['bucket', 'cycles', 'amount'], rows),
    `  ${plural(c.cycles, 'cycle')} billed; due ${of(c.dueMinor)}, paid ${of(c.netPaidMinor)}, outstanding ${of(c.outstandingMinor)}`,
    `  collectible ${of(c.collectibleMinor)} (overdue ${of(c.overdueMinor)}), open disputes ${of(c.openDisputedMinor)}, owed to customers ${of(c.creditMinor)}`,
    ...(c.lateFeeOutstandingMinor > 0n
      ? [`  late fees open ${of(c.lateFeeOutstandingMinor)}, apart from the principal above (docs/late-fees.md)`]
      : []),
  ].join('\n');
};

/** Late fees per currency over billing months: charged, waived, collected, still open, and the rate collected. */
export const lateFeesOf = (periods: readonly BillingPeriodFigures[]) => {
  const acc = new Map<string, { currency: string; chargedMinor: bigint; waivedMinor: bigint; collectedMinor: bigint }>();
  for (const p of periods) {
    const a = acc.get(p.currency) ?? { currency: p.currency, chargedMinor: 0n, waivedMinor: 0n, collectedMinor: 0n };
    acc.set(p.currency, {
      currency: p.currency,
      chargedMinor: a.chargedMinor + p.lateFeeChargedMinor,
      waivedMinor: a.waivedMinor + p.lateFeeWaivedMinor,
      collectedMinor: a.collectedMinor + p.lateFeeCollectedMinor,
    });
  }
  return [...acc.values()].map((a) => ({
    ...a,
    outstandingMinor: a.chargedMinor - a.waivedMinor - a.collectedMinor,
    collectionRate: ratioOf(a.collectedMinor, a.chargedMinor - a.waivedMinor),
  }));
};

export const renderLateFees = (lines: ReturnType<typeof lateFeesOf>): string =>
  [
    'Late fees (apart from the principal: charged, waived, collected, open)',
    lines.every((l) => l.chargedMinor === 0n)
      ? '  (no late fees charged)'
      : table(
          ['currency', 'charged', 'waived', 'collected', 'open', 'rate'],
          lines.map((l) => [
            l.currency,
            amount(l.chargedMinor, l.currency),
            amount(l.waivedMinor, l.currency),
            amount(l.collectedMinor, l.currency),
            amount(l.outstandingMinor, l.currency),
            rate(l.collectionRate),
          ]),
        ),
  ].join('\n');

/** What a collection-rate line needs: the arrears view's billing periods and the behaviour view's both have it. */
type CollectionLine = Pick<
  BillingPeriodFigures,
  'billingMonth' | 'currency' | 'cycles' | 'billedMinor' | 'dueMinor' | 'collectedMinor' | 'collectionRate'
>;

export const renderPeriods = (title: string, periods: readonly CollectionLine[]): string =>
  [
    title,
    periods.length === 0
      ? '  (no billing periods yet)'
      : table(
          ['month', 'currency', 'cycles', 'billed', 'due', 'collected', 'rate'],
          periods.map((p) => [
            p.billingMonth,
            p.currency,
            count(p.cycles),
            amount(p.billedMinor, p.currency),
            amount(p.dueMinor, p.currency),
            amount(p.collectedMinor, p.currency),
            rate(p.collectionRate),
          ]),
        ),
  ].join('\n');

export const renderDebtors = (asOf: BusinessDate, debtors: readonly Debtor[]): string =>
  [
    `Top debtors as of ${asOf}`,
    debtors.length === 0
      ? '  (nobody owes anything overdue)'
      : table(
          ['contract', 'currency', 'overdue', 'collectible', 'days', 'bucket', 'cycles'],
          debtors.map((d) => [
            d.contractId,
            d.currency,
            amount(d.overdueMinor, d.currency),
            amount(d.collectibleMinor, d.currency),
            d.daysPastDue,
            d.bucket,
            d.cycles,
          ]),
        ),
  ].join('\n');

/** A line of a per-channel money table: its counts and amounts under the table's headers, then net. */
type ChannelLine = {
  readonly channel: string;
  readonly currency: string;
  readonly counts: readonly [number, number, number];
  readonly amounts: readonly [bigint, bigint, bigint];
  readonly netMinor: bigint;
};

/** Money per channel: a row per line, then a total per currency (a sum of its lines). */
const channelTable = (headers: readonly [string, string, string], lines: readonly ChannelLine[]): string => {
  const row = (channel: string, currency: string, counts: readonly number[], amounts: readonly bigint[], net: bigint) => [
    channel,
    currency,
    count(counts[0]!),
    amount(amounts[0]!, currency),
    count(counts[1]!),
    amount(amounts[1]!, currency),
    count(counts[2]!),
    amount(amounts[2]!, currency),
    amount(net, currency),
  ];
  const rows = lines.map((l) => row(l.channel, l.currency, l.counts, l.amounts, l.netMinor));
  for (const cur of [...new Set(lines.map((l) => l.currency))]) {
    const of = lines.filter((l) => l.currency === cur);
    const counts = [0, 1, 2].map((k) => of.reduce((a, l) => a + l.counts[k]!, 0));
    const amounts = [0, 1, 2].map((k) => of.reduce((a, l) => a + l.amounts[k]!, 0n));
    rows.push(
      row(
        'total',
        cur,
        counts,
        amounts,
        of.reduce((a, l) => a + l.netMinor, 0n),
      ),
    );
  }
  return table(['channel', 'currency', headers[0], 'taken', headers[1], 'refunded', headers[2], 'reversed', 'net'], rows);
};

/**
 * The takings report (core's) as text, the one renderer of it: `renewal behaviour`, its
 * `--known-at` books and the demo all print it.
 */
export const renderTakings = (title: string, report: TakingsReport): string =>
  report.channels.length === 0
    ? `${title}\n  (nothing taken, refunded or reversed on those days)`
    : `${title}\n${channelTable(
        ['payments', 'refunds', 'reversals'],
        report.channels.map((c) => ({
          channel: c.channel,
          currency: c.currency,
          counts: [c.payments, c.refunds, c.reversals],
          amounts: [c.takenMinor, c.refundedMinor, c.reversedMinor],
          netMinor: c.netMinor,
        })),
      )}`;

/** The takings report as CSV rows: the lines, with both forms of every amount. */
export const takingsCsv = (report: TakingsReport): string =>
  csv(
    [
      'channel',
      'currency',
      'payments',
      ...amountHeaders('taken'),
      'refunds',
      ...amountHeaders('refunded'),
      'reversals',
      ...amountHeaders('reversed', 'net'),
    ],
    report.channels.map((t) => [
      t.channel,
      t.currency,
      t.payments,
      ...amountCells(t.currency, t.takenMinor),
      t.refunds,
      ...amountCells(t.currency, t.refundedMinor),
      t.reversals,
      ...amountCells(t.currency, t.reversedMinor, t.netMinor),
    ]),
  );

/** Receipts issued on a day per channel (the receipts view's documents, not the takings report). */
export const renderReceiptsIssued = (title: string, channels: readonly ChannelReceipts[]): string =>
  channels.length === 0
    ? `${title}\n  (no receipt, refund note or reversal note)`
    : `${title}\n${channelTable(
        ['receipts', 'refund notes', 'reversal notes'],
        channels.map((c) => ({
          channel: c.channel,
          currency: c.currency,
          counts: [c.receipts, c.refundNotes, c.reversalNotes],
          amounts: [c.takenMinor, c.refundedMinor, c.reversedMinor],
          netMinor: c.netMinor,
        })),
      )}`;

/** A verification as `renewal audit verify --format json` prints it. */
export const auditJson = (v: AuditVerification) => ({
  ok: v.ok,
  entries: v.entries,
  head: v.head ? { position: v.head.position.toString(), hash: v.head.hash, entries: v.head.entries } : null,
  storeHead: v.storeHead.toString(),
  sealsMatched: v.sealsMatched,
  problem: v.problem ? { kind: v.problem.kind, position: v.problem.position.toString(), reason: v.problem.reason } : null,
  lateEntries: v.lateEntries,
});

/** Late entries as `renewal close --check` and `renewal audit verify` print them. */
export const renderLateEntries = (late: readonly LateEntry[]): string =>
  late.length === 0
    ? 'No entry dated inside a closed period was recorded after its closing.'
    : [
        `${count(late.length)} ${late.length === 1 ? 'entry' : 'entries'} recorded after a closing but dated inside the closed period: the closed figures no longer hold for them`,
        table(
          ['period', 'closed at', 'position', 'stream', 'event', 'dated', 'recorded', 'by'],
          late.map((l) => [l.period, l.closedAt, String(l.position), l.streamName, l.type, l.day, l.recordedAt, l.actor]),
        ),
      ].join('\n');
