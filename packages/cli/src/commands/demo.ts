// `renewal demo`: the main job of the README. A seeded portfolio of property units and parking
// passes is written through the command handler into the store, the arrears, receipts and audit
// views are brought up to date, and the reports are printed. Deterministic: running it again
// finds every command already applied and writes nothing.
import type { Instant, RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, type HandleResult } from '@renewal-ledger/eventstore';
import { generatePortfolio } from '@renewal-ledger/workload';
import { getArrearsView } from '@renewal-ledger/projection-arrears';
import { getReceiptsView } from '@renewal-ledger/projection-receipts';
import { verifyAuditChain } from '@renewal-ledger/projection-audit';
import { formatOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { count, print, printJson } from '../output.js';
import { progress } from '../progress.js';
import { auditJson, renderAging, renderDebtors, renderPeriods, renderTakings, takingsOver } from '../reports.js';
import { catchUp, openSession } from '../session.js';

const NAME = 'demo';
export const DEMO_STORE = 'sqlite:./renewal-demo.db';

export const demoCommand: Command = {
  name: NAME,
  summary: 'write the seeded demo portfolio into a store and print the reports',
  common: true,
  help: `usage: renewal demo [--accounts N] [--months N] [--batch N] [--store URL] [--views WHERE] [--format table|json]

Writes a seeded portfolio (property units and parking passes, monthly cycles, with late and
partial payments, offline payments entered days later, disputes, instalment plans, refunds,
reminders and write-offs) through the command handler, brings the arrears, receipts and audit
views up to date, and prints the aging table, the collection rate, the top debtors, a week's
takings per channel and the verified audit chain. Running it again writes nothing twice.

  --accounts N   contracts in the portfolio (default 2000: about 112,000 events)
  --months N     monthly cycles per contract (default 24)
  --batch N      commands per transaction (default 500)

The demo's store defaults to ${DEMO_STORE} (views in ./renewal-demo-views.db); it does not read
$RENEWAL_STORE, so it never writes demo data into a store you configured for real work.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      accounts: { type: 'string' },
      months: { type: 'string' },
      batch: { type: 'string' },
    });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format, ['table', 'json']);
    const accounts = positiveIntOf(NAME, '--accounts', values.accounts ?? '2000');
    const months = positiveIntOf(NAME, '--months', values.months ?? '24');
    const batchSize = positiveIntOf(NAME, '--batch', values.batch ?? '500');
    const storeUrl = values.store ?? DEMO_STORE;
    const say = format === 'table' ? print : () => undefined;

    const started = performance.now();
    const portfolio = generatePortfolio({ accounts, months });
    say(`renewal-ledger demo: ${count(accounts)} contracts x ${months} monthly cycles (${count(portfolio.cycles)} cycles) into ${storeUrl}`);
    say(`  generated ${count(portfolio.commands.length)} commands in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const session = await openSession({ storeUrl, views: values.views });
    try {
      // The portfolio says when each command was entered (an offline payment days after it was
      // taken): the handler stamps that as recordedAt instead of reading the machine's clock.
      const handler = getCommandHandler({ store: session.store });
      const tally = { applied: 0, duplicate: 0, rejected: 0, events: 0 };
      const rejectedBy: Record<string, number> = {};
      const tallyOne = (r: HandleResult) => {
        tally[r.status]++;
        if (r.status === 'applied') tally.events += r.events.length;
        if (r.status === 'rejected') rejectedBy[r.error.code] = (rejectedBy[r.error.code] ?? 0) + 1;
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
        results.forEach(tallyOne);
        writing.update(i + batch.length);
      }
      writing.finish();
      const writeSeconds = (performance.now() - writeStarted) / 1000;
      const rejections = Object.entries(rejectedBy).map(([code, n]) => `${code} ${count(n)}`).join(', ');
      say(
        `\nCommands: ${count(portfolio.commands.length)}  applied ${count(tally.applied)}  duplicate ${count(tally.duplicate)}  rejected by rule ${count(tally.rejected)}${rejections ? ` (${rejections}: the portfolio's clerks key some payments twice, and the rules refuse them)` : ''}`,
      );
      say(
        tally.events === 0
          ? 'Events written: none (every command was already applied)'
          : `Events written: ${count(tally.events)} in ${writeSeconds.toFixed(1)} s (${count(Math.round(tally.events / Math.max(writeSeconds, 0.001)))} events/s)`,
      );

      const viewsStarted = performance.now();
      const head = await session.store.headPosition();
      const results = await catchUp(session, { mode: 'always' });
      const failed = results.filter((r) => r.status === 'failed');
      say(
        `\nViews (${session.viewsLocation.label}): ${results.map((r) => `${r.projection} +${count(r.eventsApplied)}`).join(', ')} up to position ${count(head)} in ${((performance.now() - viewsStarted) / 1000).toFixed(1)} s`,
      );

      const asOf = portfolio.asOf;
      const arrears = getArrearsView(session.views);
      const aging = await arrears.portfolio({ asOf });
      const periods = (await arrears.billingPeriods()).slice(-6);
      const debtors = await arrears.topDebtors({ asOf, limit: 5 });
      const week = await takingsOver(getReceiptsView(session.views), asOf, 7);
      say(`\n${renderAging(aging)}`);
      say(`\n${renderPeriods('Collection rate, last six billing months (collected / due)', periods)}`);
      say(`\n${renderDebtors(asOf, debtors)}`);
      say(`\n${renderTakings(`Takings ${week.from} to ${week.to} per channel (money taken on those days, offline payments included)`, week.channels)}`);

      const verifying = progress('audit', head < 0n ? 0 : Number(head), { mode: 'lazy' });
      const verification = await verifyAuditChain(session.views, session.store, { onProgress: (n) => verifying.update(n) });
      verifying.finish();
      say(
        verification.ok
          ? `\nAudit chain: ${count(verification.entries)} entries verified against the event store, head ${verification.head?.hash ?? '(empty)'}`
          : `\nAudit chain BROKEN at position ${verification.problem!.position} (${verification.problem!.kind}): ${verification.problem!.reason}`,
      );
      const seconds = (performance.now() - started) / 1000;
      say(`\nDone in ${seconds.toFixed(1)} s. Run it again: nothing is written twice.`);
      say('Next: docs/getting-started.md (apply a file of payments, read the arrears, verify the audit chain, open the dashboard).');
      if (format === 'json')
        printJson({
          store: storeUrl,
          viewsAt: session.viewsLocation.label,
          portfolio: { contracts: accounts, months, cycles: portfolio.cycles, commands: portfolio.commands.length, asOf },
          commands: { ...tally, rejectedBy },
          views: results.map((r) => ({ projection: r.projection, status: r.status, eventsApplied: r.eventsApplied, position: r.position })),
          arrears: aging,
          billingPeriods: periods,
          topDebtors: debtors,
          takings: week,
          audit: auditJson(verification),
        });
      return failed.length > 0 || !verification.ok ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};

