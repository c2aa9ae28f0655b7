// Path f, the month-end renewal run: the store filled (untimed) with contracts and their bills
// through October, then `renewDue` as of 2026-11-01 bills November. Its limit inserts the very
// November rows raw, 500 per transaction, into a table holding the same history; renewDue is one
// call and cannot be sliced, so the limit runs before and after it and counts as the mean (as d's).
import type { Backend, WriteWork } from './backend.js';
import * as library from './library-paths.js';
import { makeLine, type Line } from './line.js';
import { meanOf, measure } from './measure.js';
import { MONTH_END_AS_OF, MONTH_END_CLOCK, MONTH_END_STARTS, type MonthEndWork } from './month-end-plan.js';
import { allOf, checkThat, compareDigests, compareTotals } from './totals.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const runMonthEnd = async (backend: Backend, work: MonthEndWork, batchSize: number, say: (m: string) => void): Promise<Line> => {
  const kind = backend.kind;
  const n = work.contracts;
  const store = await backend.openStore('f');
  try {
    say(`(f) month-end run: ${n} contracts, ${work.history.length} rows of history inserted raw`);
    await backend.fillStore('f', work.history);
    const writeWork: WriteWork = {
      plan: work.plan,
      commands: work.bills,
      recordedAtOf: () => MONTH_END_CLOCK,
      batchSize,
      history: work.history,
    };
    const limitRun = async () => {
      const writer = await backend.limit.openWriter('f', writeWork);
      try {
        return await measure((tick) => writer.write(0, work.bills.length, tick));
      } finally {
        await writer.close();
      }
    };
    say(`(f) limit, renewDue as of ${MONTH_END_AS_OF}, limit again`);
    const before = await limitRun();
    const lib = await measure((tick) => library.monthEndRun(store, { asOf: MONTH_END_AS_OF, clock: MONTH_END_CLOCK, batchSize }, tick));
    const after = await limitRun();
    say(`(f) checking the rows written`);

    const { report, readMs, billedMs } = lib.result;
    const rejected = report.bills.rejected.length;
    const written = await backend.limit.written('f');
    const libraryRows = await backend.limit.libraryRows('f', work.history.length);
    const check = allOf(
      compareTotals(libraryRows.totals, written.totals),
      compareDigests(libraryRows.digest, written.digest),
      checkThat(
        report.contracts === n &&
          report.proposed === n &&
          report.bills.applied === n &&
          report.bills.duplicate === 0 &&
          rejected === 0 &&
          report.refused.length === 0 &&
          report.settled.length === 0,
        `renewDue: ${report.contracts} contracts, ${report.proposed} bills proposed, ${report.bills.applied} issued, ${report.bills.duplicate} already billed, ${rejected} refused by the cycle, ${report.refused.length} by core, ${report.settled.length} settled (expected ${n} / ${n} / ${n} / 0 / 0 / 0 / 0)`,
      ),
    );
    return makeLine({
      store: kind,
      path: 'f',
      id: 'f',
      title: `month-end renewal run: renewDue over ${n} contracts`,
      count: work.plan.rows.length,
      library: {
        what: `renewDue({ asOf: ${MONTH_END_AS_OF}, batchSize: ${batchSize} }): readPortfolio (one pass over the log), billsDue, handleBatch of ${batchSize} bills per transaction`,
        timing: lib.timing,
      },
      limit: {
        what:
          kind === 'memory'
            ? 'bare decide + serialise of the same bills, no store (mean of a run before and after)'
            : `raw prepared INSERT of the same JSON, one transaction per ${batchSize} bills, into a table holding the same history (mean of a run before and after)`,
        timing: meanOf(before.timing, after.timing),
      },
      target: null,
      databaseBytes: await backend.storeBytes('f'),
      check,
      note:
        `${n} contracts starting ${MONTH_END_STARTS.from} to ${MONTH_END_STARTS.to}; ${work.history.length} rows (contracts opened, ${work.billedBefore} bills through October) inserted raw before, untimed; ` +
        `library: reading the log ${seconds(readMs)}, proposing and writing the bills ${seconds(billedMs - readMs)}, the rest ${seconds(lib.timing.ms - billedMs)}`,
    });
  } finally {
    await store.close();
    await backend.discard('f');
  }
};
