// The reports the demo and the view commands print: the aging table, the collection rate, the
// top debtors and the takings per channel. Data first (what --format json prints), text second.
import { AGING_BUCKETS, addDaysTo, type BusinessDate } from '@renewal-ledger/core';
import type { BillingPeriodFigures, CurrencyTotals, Debtor, Portfolio } from '@renewal-ledger/projection-arrears';
import type { ChannelTakings, ReceiptsView } from '@renewal-ledger/projection-receipts';
import { compareTotals, ratioOf } from '@renewal-ledger/projections';
import type { AuditVerification, LateEntry } from '@renewal-ledger/projection-audit';
import { amount, count, plural, table } from './output.js';

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

/** Takings per channel over the days `from`..`to` (inclusive), money taken on those days. */
export const takingsOver = async (receipts: ReceiptsView, to: BusinessDate, days: number) => {
  const from = addDaysTo(-(days - 1))(to);
  const acc = new Map<string, ChannelTakings>();
  for (let i = days - 1; i >= 0; i--) {
    const date = addDaysTo(-i)(to);
    for (const c of (await receipts.takings(date, { basis: 'paid-at' })).channels) {
      const key = `${c.channel}\u0000${c.currency}`;
      const w = acc.get(key) ?? {
        channel: c.channel,
        currency: c.currency,
        receipts: 0,
        takenMinor: 0n,
        refundNotes: 0,
        refundedMinor: 0n,
        reversalNotes: 0,
        reversedMinor: 0n,
        netMinor: 0n,
      };
      acc.set(key, {
        ...w,
        receipts: w.receipts + c.receipts,
        takenMinor: w.takenMinor + c.takenMinor,
        refundNotes: w.refundNotes + c.refundNotes,
        refundedMinor: w.refundedMinor + c.refundedMinor,
        reversalNotes: w.reversalNotes + c.reversalNotes,
        reversedMinor: w.reversedMinor + c.reversedMinor,
        netMinor: w.netMinor + c.netMinor,
      });
    }
  }
  const channels = [...acc.values()].sort((a, b) => compareTotals(b.netMinor, a.netMinor) || (a.channel < b.channel ? -1 : 1));
  return { from, to, channels };
};

export const renderTakings = (title: string, channels: readonly ChannelTakings[]): string => {
  if (channels.length === 0) return `${title}\n  (nothing taken)`;
  const rows: (string | number)[][] = channels.map((c) => [
    c.channel,
    c.currency,
    c.receipts,
    amount(c.takenMinor, c.currency),
    c.refundNotes,
    amount(c.refundedMinor, c.currency),
    amount(c.netMinor, c.currency),
  ]);
  const currencies = [...new Set(channels.map((c) => c.currency))];
  for (const cur of currencies) {
    const of = channels.filter((c) => c.currency === cur);
    const count = (f: (c: ChannelTakings) => number) => of.reduce((a, c) => a + f(c), 0);
    const total = (f: (c: ChannelTakings) => bigint) => of.reduce((a, c) => a + f(c), 0n);
    rows.push([
      'total',
      cur,
      count((c) => c.receipts),
      amount(
        total((c) => c.takenMinor),
        cur,
      ),
      count((c) => c.refundNotes),
      amount(
        total((c) => c.refundedMinor),
        cur,
      ),
      amount(
        total((c) => c.netMinor),
        cur,
      ),
    ]);
  }
  return `${title}\n${table(['channel', 'currency', 'receipts', 'taken', 'refunds', 'refunded', 'net'], rows)}`;
};

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
