#!/usr/bin/env node
// The main job of renewal-ledger: a seeded portfolio of property units and parking passes (2,000
// contracts x 24 monthly cycles by default) written through the command handler into the
// embedded SQLite store, then the arrears, receipts and audit views brought up to date and
// printed. Everything is deterministic: running it again finds every command already applied
// and writes nothing.
//
//   pnpm demo                                   # ./renewal-demo.db, views in ./renewal-demo-views.db
//   pnpm demo -- --accounts 200 --store memory:
//   pnpm demo -- --store postgres://user@host/db
import { parseArgs } from 'node:util';
import { addDaysTo, formatMinor, type BusinessDate, type Instant, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, type HandleResult } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { generatePortfolio } from '@renewal-ledger/workload';
import { getPostgresViewDatabase, getProjectionRunner, getSQLiteViewDatabase, type ViewDatabase } from '@renewal-ledger/projections';
import { arrearsProjection, getArrearsView } from '@renewal-ledger/projection-arrears';
import { getReceiptsView, receiptsProjection } from '@renewal-ledger/projection-receipts';
import { auditProjection, verifyAuditChain } from '@renewal-ledger/projection-audit';
import { progress } from './progress.js';
import { count, table } from './table.js';

const usage = `usage: pnpm demo [-- --accounts N] [--months N] [--store URL] [--views PATH|URL] [--batch N]
  --accounts   contracts in the portfolio (default 2000)
  --months     monthly cycles per contract (default 24)
  --store      event store URL (default sqlite:./renewal-demo.db; memory:, postgres://...)
  --views      where the views live: a SQLite path or a postgres:// URL
               (default ./renewal-demo-views.db; :memory: for the memory store; the store's own database for PostgreSQL)
  --batch      commands per transaction (default 500)`;

const main = async () => {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '2000' },
      months: { type: 'string', default: '24' },
      store: { type: 'string', default: 'sqlite:./renewal-demo.db' },
      views: { type: 'string' },
      batch: { type: 'string', default: '500' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const accounts = Number(values.accounts);
  const months = Number(values.months);
  const batchSize = Number(values.batch);
  if (![accounts, months, batchSize].every((n) => Number.isSafeInteger(n) && n > 0)) {
    console.error(`--accounts, --months and --batch take positive whole numbers\n${usage}`);
    return 2;
  }
  const storeUrl = values.store!;

  const started = performance.now();
  const portfolio = generatePortfolio({ accounts, months });
  console.log(
    `renewal-ledger demo: ${count(accounts)} contracts x ${months} monthly cycles (${count(portfolio.cycles)} cycles) into ${storeUrl}`,
  );
  console.log(`  generated ${count(portfolio.commands.length)} commands in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const store = await openStore(storeUrl);
  // The portfolio says when each command was entered (an offline payment days after it was
  // taken): the handler stamps that as recordedAt instead of reading the machine's clock.
  const handler = getCommandHandler({ store });
  const tally = { applied: 0, duplicate: 0, rejected: 0, events: 0 };
  const rejectedBy = new Map<string, number>();
  const count1 = (r: HandleResult) => {
    tally[r.status]++;
    if (r.status === 'applied') tally.events += r.events.length;
    if (r.status === 'rejected') rejectedBy.set(r.error.code, (rejectedBy.get(r.error.code) ?? 0) + 1);
  };
  const writing = progress('commands', portfolio.commands.length);
  const writeStarted = performance.now();
  for (let i = 0; i < portfolio.commands.length; i += batchSize) {
    const batch = portfolio.commands.slice(i, i + batchSize);
    const recordedAt = new Map<RenewalCommand, Instant>(batch.map((c) => [c.command, c.recordedAt]));
    const results = await handler.handleBatch(
      batch.map((c) => c.command),
      { recordedAt: (command: RenewalCommand) => recordedAt.get(command)! },
    );
    results.forEach(count1);
    writing.update(i + batch.length);
  }
  writing.finish();
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  const rejections = [...rejectedBy].map(([code, n]) => `${code} ${count(n)}`).join(', ');
  console.log(
    `\nCommands: ${count(portfolio.commands.length)}  applied ${count(tally.applied)}  duplicate ${count(tally.duplicate)}  rejected by rule ${count(tally.rejected)}${rejections ? ` (${rejections})` : ''}`,
  );
  console.log(
    `Events written: ${count(tally.events)} in ${writeSeconds.toFixed(1)} s (${count(Math.round(tally.events / Math.max(writeSeconds, 0.001)))} events/s)`,
  );

  const views = await openViews(storeUrl, values.views);
  const head = await store.headPosition();
  const projecting = progress('views', Number(head + 1n) * 3);
  const perProjection = new Map<string, number>();
  const viewsStarted = performance.now();
  const results = await getProjectionRunner({
    store,
    database: views.database,
    projections: [arrearsProjection, receiptsProjection, auditProjection],
    onProgress: (p) => {
      perProjection.set(p.projection, p.done);
      projecting.update([...perProjection.values()].reduce((a, b) => a + b, 0));
    },
  }).catchUp();
  projecting.finish();
  const failed = results.filter((r) => r.status === 'failed');
  console.log(
    `\nViews (${views.label}): ${results.map((r) => `${r.projection} +${count(r.eventsApplied)}`).join(', ')} up to position ${count(head)} in ${((performance.now() - viewsStarted) / 1000).toFixed(1)} s`,
  );
  for (const f of failed) console.error(`  ${f.projection} stopped: ${f.error?.reason ?? 'unknown error'}`);

  await printReports(views.database, portfolio.asOf);

  const verification = await verifyAuditChain(views.database, store);
  console.log(
    verification.ok
      ? `\nAudit chain: ${count(verification.entries)} entries verified against the event store, head ${verification.head?.hash ?? '(empty)'}`
      : `\nAudit chain BROKEN at position ${verification.problem?.position}: ${verification.problem?.reason}`,
  );
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s. Run it again: nothing is written twice.`);
  await views.database.close();
  await store.close();
  return failed.length || !verification.ok ? 1 : 0;
};

const openViews = async (storeUrl: string, views: string | undefined): Promise<{ database: ViewDatabase; label: string }> => {
  const target = views ?? (storeUrl.startsWith('postgres') ? storeUrl : storeUrl === 'memory:' ? ':memory:' : './renewal-demo-views.db');
  if (/^postgres(ql)?:\/\//.test(target))
    return { database: await getPostgresViewDatabase({ connectionString: target, schema: 'renewal_views' }), label: 'PostgreSQL schema renewal_views' };
  return { database: getSQLiteViewDatabase({ path: target }), label: target === ':memory:' ? 'in memory' : target };
};

const printReports = async (database: ViewDatabase, asOf: BusinessDate) => {
  const arrears = getArrearsView(database);
  const { currencies } = await arrears.portfolio({ asOf });
  for (const c of currencies) {
    console.log(`\nArrears aging as of ${asOf} (${c.currency}): every collectible amount in exactly one bucket`);
    console.log(
      table(
        ['bucket', 'cycles', 'amount'],
        (['current', '1-30', '31-60', '61-90', '90+'] as const).map((b) => [b, count(c.bucketCycles[b]), formatMinor(c.buckets[b])]),
      ),
    );
    console.log(
      `  collectible ${formatMinor(c.collectibleMinor)} (overdue ${formatMinor(c.overdueMinor)}), open disputes ${formatMinor(c.openDisputedMinor)}, owed to customers ${formatMinor(c.creditMinor)}`,
    );
  }
  const periods = (await arrears.billingPeriods()).slice(-6);
  console.log('\nCollection rate, last six billing months');
  console.log(
    table(
      ['month', 'cycles', 'due', 'collected', 'rate'],
      periods.map((p) => [p.billingMonth, count(p.cycles), formatMinor(p.dueMinor), formatMinor(p.collectedMinor), p.collectionRate === null ? '-' : `${(p.collectionRate * 100).toFixed(1)}%`]),
    ),
  );
  const debtors = await arrears.topDebtors({ asOf, limit: 5 });
  console.log(`\nTop debtors as of ${asOf}`);
  console.log(
    table(
      ['contract', 'overdue', 'days', 'bucket', 'cycles'],
      debtors.map((d) => [d.contractId, formatMinor(d.overdueMinor), d.daysPastDue, d.bucket, d.cycles]),
    ),
  );
  // A week of takings per channel: what the cashiers' end-of-day reports add up to.
  const receipts = getReceiptsView(database);
  const week = new Map<string, { receipts: number; taken: number; refunded: number }>();
  const days: string[] = [];
  for (let i = 6; i >= 0; i--) days.push(addDaysTo(-i)(asOf));
  for (const date of days) {
    for (const c of (await receipts.takings(date, { basis: 'paid-at' })).channels) {
      const w = week.get(c.channel) ?? { receipts: 0, taken: 0, refunded: 0 };
      week.set(c.channel, { receipts: w.receipts + c.receipts, taken: w.taken + c.takenMinor, refunded: w.refunded + c.refundedMinor });
    }
  }
  console.log(`\nTakings ${days[0]} to ${asOf} per channel (money taken on those days, offline payments included)`);
  console.log(
    table(
      ['channel', 'receipts', 'taken', 'refunded', 'net'],
      [...week].map(([channel, w]) => [channel, w.receipts, formatMinor(w.taken), formatMinor(w.refunded), formatMinor(w.taken - w.refunded)]),
    ),
  );
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    if (process.argv.includes('--debug') && error instanceof Error) console.error(error.stack);
    process.exitCode = 1;
  },
);
