// The month of activity as people read it: a line per day that did something, the month's totals,
// the failures and retries of the auto-debit, the arrears at the end and the collection rate.
import { formatMinor } from '@renewal-ledger/core';
import type { CarParkReport, DayActivity } from './worker.js';

const money = (minor: number | bigint) => formatMinor(minor).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const rate = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

const dayLine = (d: DayActivity): string | null => {
  const parts: string[] = [];
  if (d.bills.count) parts.push(`${d.bills.count} billed (${money(d.bills.amountMinor)})`);
  if (d.collected.count)
    parts.push(
      `${d.collected.count} auto-debited (${money(d.collected.amountMinor)}${d.collected.retries ? `, ${d.collected.retries} on a retry` : ''})`,
    );
  if (d.failed.length)
    parts.push(`${d.failed.length} auto-debit failed (${d.failed.map((f) => `${f.code}${f.retryable ? '' : ' FINAL'}`).join(', ')})`);
  if (d.counter.count) parts.push(`${d.counter.count} paid at the counter (${money(d.counter.amountMinor)})`);
  const reminders = Object.entries(d.reminders);
  if (reminders.length) parts.push(`reminders ${reminders.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  return parts.length === 0 ? null : `  ${d.date}  ${parts.join('; ')}`;
};

export const totalsOf = (days: readonly DayActivity[]) => {
  const sum = (f: (d: DayActivity) => number) => days.reduce((a, d) => a + f(d), 0);
  const reminders: Record<string, number> = {};
  for (const d of days) for (const [c, n] of Object.entries(d.reminders)) reminders[c] = (reminders[c] ?? 0) + n;
  const failures = days.flatMap((d) => d.failed);
  return {
    bills: sum((d) => d.bills.count),
    billedMinor: sum((d) => d.bills.amountMinor),
    collected: sum((d) => d.collected.count),
    collectedMinor: sum((d) => d.collected.amountMinor),
    retriesCollected: sum((d) => d.collected.retries),
    failures: failures.length,
    finalFailures: failures.filter((f) => !f.retryable).length,
    counter: sum((d) => d.counter.count),
    counterMinor: sum((d) => d.counter.amountMinor),
    reminders,
    eventsWritten: sum((d) => d.eventsWritten),
  };
};

export const renderReport = (r: CarParkReport, options: { storeUrl: string; seed: number; failureRate: number }): string => {
  const t = totalsOf(r.days);
  const failuresByCode = new Map<string, number>();
  for (const f of r.days.flatMap((d) => d.failed)) failuresByCode.set(f.code, (failuresByCode.get(f.code) ?? 0) + 1);
  const lines = [
    `Car park passes, ${r.from} to ${r.to}, store ${options.storeUrl}`,
    `  ${r.opened.contracts} passes (${r.opened.mandates} with an auto-debit mandate); ${r.opened.eventsWritten} opening events written this run`,
    `  auto-debit through the SIMULATED gateway (seed ${options.seed}, failure rate ${options.failureRate}): no money moves`,
    '',
    'Day by day',
    ...r.days.map(dayLine).filter((l): l is string => l !== null),
    '',
    'This run',
    `  bills issued         ${t.bills} (${money(t.billedMinor)} CNY)`,
    `  auto-debit collected ${t.collected} (${money(t.collectedMinor)} CNY), ${t.retriesCollected} of them on a retry`,
    `  auto-debit failed    ${t.failures} (${[...failuresByCode].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}); ${t.finalFailures} final, paid at the counter two days later`,
    `  counter payments     ${t.counter} (${money(t.counterMinor)} CNY)`,
    `  reminders sent       ${
      Object.entries(t.reminders)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none'
    }`,
    `  events written       ${r.eventsWritten}${r.eventsWritten === 0 ? ' (everything was already recorded: a rerun writes nothing)' : ''}`,
    '',
  ];
  if (r.arrears) {
    const a = r.arrears;
    lines.push(
      `Arrears as of ${r.to}`,
      `  billed ${a.cycles} cycles, due ${money(a.dueMinor)}, paid ${money(a.netPaidMinor)}, collectible ${money(a.collectibleMinor)} (overdue ${money(a.overdueMinor)})`,
      `  by age: ${Object.entries(a.buckets)
        .map(([b, n]) => `${b} ${money(n)}`)
        .join(', ')}`,
      `  largest debtors: ${r.debtors.map((d) => `${d.contractId} ${money(d.overdueMinor)} (${d.daysPastDue} days)`).join(', ') || 'none'}`,
      '',
    );
  }
  lines.push(
    'Collection rate per billing month',
    ...r.collectionRates.map(
      (p) => `  ${p.billingMonth}  billed ${money(p.billedMinor)}, collected ${money(p.collectedMinor)}: ${rate(p.collectionRate)}`,
    ),
  );
  return lines.join('\n');
};
