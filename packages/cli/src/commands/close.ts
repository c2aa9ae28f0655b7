// `renewal close --period 2026`: closes a period (docs/as-known-at.md, "Closing a period"). The
// audit chain is caught up, verified and sealed; the books as of the period's last day as known
// now are recorded with the seal as PeriodClosed on the ledger's settings stream; the aged
// debtors as they stood are printed. `renewal close --check` lists the closed periods and flags
// every entry recorded after a closing but dated inside its period.
import { randomUUID } from 'node:crypto';
import { closingPeriodDays, LEDGER_SETTINGS_STREAM, type ClosingSeal, type PeriodClosedData } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import { closePeriod } from '@renewal-ledger/projection-arrears';
import { lateEntries, sealAuditChain, type LateEntry } from '@renewal-ledger/projection-audit';
import { openStore } from '@renewal-ledger/stores';
import { formatOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { actorOf as whoActs } from '../actor.js';
import { clockNow } from '../ledger.js';
import { actorOf } from './ledger.js';
import { amount, csv, print, printJson, table } from '../output.js';
import { renderAging, renderDebtors, renderLateEntries } from '../reports.js';
import { renderBooksHeader } from '../books.js';
import { catchUp, openSession, readViews, storeUrlOf } from '../session.js';

const NAME = 'close';

/** The audit chain caught up, verified and sealed; null when it is empty. A broken chain is exit 1: nothing is closed on it. */
const sealNow = async (storeUrl: string, views: string | undefined): Promise<ClosingSeal | null> => {
  // The seal needs the audit trail: built (and kept) here when it is not yet, as closing writes anyway.
  const session = await openSession({ storeUrl, views, access: { store: 'read', views: 'create', reads: ['audit'] } });
  try {
    await catchUp(session, { only: ['audit'], required: ['audit'] });
    const { verification, seal } = await sealAuditChain(session.views, session.store);
    if (!verification.ok)
      throw new CliError(
        `the audit chain is broken at position ${verification.problem!.position} (${verification.problem!.kind}): nothing closed (renewal audit verify)`,
      );
    return seal ? { position: seal.position, hash: seal.hash, entries: seal.entries } : null;
  } finally {
    await session.close();
  }
};

/** The closings recorded, oldest first. */
const closings = async (store: EventStore): Promise<PeriodClosedData[]> => {
  const out: PeriodClosedData[] = [];
  for await (const e of store.readStream(LEDGER_SETTINGS_STREAM)) if (e.type === 'PeriodClosed') out.push(e.data as PeriodClosedData);
  return out;
};

export const closeCommand: Command = {
  name: NAME,
  summary: 'close a period (year-end): seal its figures as they stood; --check flags late entries',
  common: true,
  help: `usage: renewal close --period YYYY|YYYY-MM [--reason TEXT] [--actor NAME] [--top N] [--format table|json]
       renewal close --check [--format table|json|csv]

Closes a year (or a month) once it has ended in the ledger's zone: catches up and verifies the
audit chain and takes its seal, computes the books as they stood on the period's last day as
known now (docs/as-known-at.md: arrears and aging buckets per currency), and records them with
the seal as a PeriodClosed event on the ledger's stream. Prints the aged debtors as they stood.
A period is closed once (PERIOD_ALREADY_CLOSED); closing is a manager's act once the ledger has
users (ClosePeriod in the access policy). Nothing is refused afterwards: an entry dated inside a
closed period is recorded as any other, and flagged.

  --period P      the year 2026 or the month 2026-12 to close
  --reason TEXT   why, recorded with the closing
  --actor NAME    who closes it (default: $RENEWAL_ACTOR, else $USER)
  --top N         how many debtors the printed list has (default 20)
  --check         list the closed periods and every entry recorded after a closing but dated
                  inside the closed period (exit 1 when there is one)`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      period: { type: 'string' },
      reason: { type: 'string' },
      actor: { type: 'string' },
      top: { type: 'string' },
      check: { type: 'boolean' },
    });
    noPositionals(NAME, positionals);
    const storeUrl = storeUrlOf(values.store);
    if (values.check) {
      if (values.period !== undefined || values.reason !== undefined || values.top !== undefined)
        throw new UsageError('--check takes no --period, --reason or --top', NAME);
      const format = formatOf(NAME, values.format, ['table', 'json', 'csv']);
      const store = await openStore(storeUrl, { create: false, readOnly: true });
      try {
        const closed = await closings(store);
        const late: LateEntry[] = [];
        for await (const l of lateEntries(store)) late.push(l);
        if (format === 'json')
          printJson({
            closed: closed.map((c) => ({
              period: c.period,
              firstDay: c.firstDay,
              lastDay: c.lastDay,
              closedAt: c.at,
              by: c.actor,
              seal: c.seal ?? null,
              figures: c.figures,
            })),
            lateEntries: late,
          });
        else if (format === 'csv')
          print(
            csv(
              ['period', 'closed_at', 'position', 'stream', 'type', 'at', 'day', 'recorded_at', 'actor'],
              late.map((l) => [l.period, l.closedAt, String(l.position), l.streamName, l.type, l.at, l.day, l.recordedAt, l.actor]),
            ),
          );
        else
          print(
            [
              closed.length === 0
                ? 'No period is closed yet (renewal close --period YYYY).'
                : table(
                    ['period', 'days', 'closed at', 'by', 'outstanding', 'audit seal'],
                    closed.map((c) => [
                      c.period,
                      `${c.firstDay} to ${c.lastDay}`,
                      c.at,
                      c.actor,
                      c.figures.map((f) => amount(BigInt(f.outstandingMinor), f.currency)).join(', ') || '-',
                      c.seal ? `#${c.seal.position} ${c.seal.hash.slice(0, 16)}...` : '-',
                    ]),
                  ),
              renderLateEntries(late),
            ].join('\n\n'),
          );
        return late.length === 0 ? 0 : 1;
      } finally {
        await store.close();
      }
    }
    const format = formatOf(NAME, values.format, ['table', 'json']);
    if (values.period === undefined)
      throw new UsageError('say which period: --period YYYY (a year) or YYYY-MM (a month), or --check', NAME);
    const period = values.period;
    if (closingPeriodDays(period) === null)
      throw new UsageError(`--period takes a year YYYY or a month YYYY-MM; got ${JSON.stringify(period)}`, NAME);
    const top = values.top === undefined ? 20 : positiveIntOf(NAME, '--top', values.top);
    const seal = await sealNow(storeUrl, values.views);
    // The books from the arrears view where it is built (caught up first), else replayed.
    const reading = await openSession({ storeUrl, views: values.views, access: readViews('arrears') });
    const viewsBuilt = !(reading.viewsLocation.kind === 'sqlite' && reading.viewsLocation.path === ':memory:');
    const store = await openStore(storeUrl, {});
    try {
      if (viewsBuilt) await catchUp(reading, { only: ['arrears'], required: ['arrears'] });
      const at = clockNow();
      const who = await whoActs(store, NAME, values.actor);
      const { books, result } = await closePeriod(store, {
        period,
        commandId: `close:${period}:${at}:${randomUUID().slice(0, 8)}`,
        actor: who.actor ?? actorOf(values.actor),
        at,
        ...(seal ? { seal } : {}),
        ...(values.reason !== undefined ? { reason: values.reason } : {}),
        top,
        ...(viewsBuilt ? { views: reading.views } : {}),
        ...(who.access ? { access: who.access, role: who.role! } : {}),
      });
      if (result.status === 'rejected') throw new CliError(`${result.error.code}: ${result.error.message}`);
      if (format === 'json') {
        printJson({
          period,
          closedAt: at,
          seal,
          asOf: books.asOf,
          knownAt: books.knownAt,
          currencies: books.portfolio.currencies,
          topDebtors: books.topDebtors,
        });
        return 0;
      }
      print(
        [
          `Period ${period} closed at ${at}${seal ? `, audit chain sealed at position ${seal.position} (${seal.hash})` : ' (the audit chain is empty: no seal)'}`,
          renderBooksHeader(books),
          renderAging(books.portfolio),
          renderDebtors(books.asOf, books.topDebtors),
        ].join('\n\n'),
      );
      return 0;
    } finally {
      await store.close();
      await reading.close();
    }
  },
};
