// `renewal apply <file.jsonl>`: commands entered in bulk (the paper receipts of a day of offline
// collection, an export from another system). Each line is applied, found a duplicate, or
// rejected by a rule; a malformed line writes nothing and the others still apply. With --atomic
// the whole file is decided first and written in one transaction only if every line is fine.
// Contract commands (OpenContract, GiveMandate, ...) go through the same generic handler run with
// the contract aggregate, in file order with the cycle commands around them; --atomic takes cycle
// commands only.
//
// The file is read as a stream and applied a batch at a time, and each line's outcome is written
// out as soon as its batch is done: memory stays flat whatever the size of the file (except with
// --atomic, whose one decision needs every line at once).
import { open, stat } from 'node:fs/promises';
import {
  compareInstants,
  type Instant,
  contractDecider,
  renewalCycle,
  type ContractDuplicate,
  type ContractFigures,
  type CycleFigures,
  type Duplicate,
  type Problem,
} from '@renewal-ledger/core';
import { getCommandHandler, WrongExpectedRevisionError, type BatchResult, type PartsResult } from '@renewal-ledger/eventstore';
import type { ContractHandler, CycleHandler } from '@renewal-ledger/renewals';
import { openStore } from '@renewal-ledger/stores';
import { formatOf, instantOf, onePositional, parse, positiveIntOf } from '../args.js';
import { actorOf } from '../actor.js';
import { clockNow, readLedger } from '../ledger.js';
import type { Command } from '../command.js';
import { commandLines, type CommandLine } from '../command-lines.js';
import { CliError, describeError, fileProblem, UsageError } from '../errors.js';
import { amount, count } from '../output.js';
import { progress } from '../progress.js';
import { csvStream, jsonDocumentStream, tableStream, writeOutLine } from '../report-stream.js';
import { storeUrlOf } from '../session.js';

const NAME = 'apply';

export type LineStatus = 'applied' | 'duplicate' | 'rejected' | 'malformed' | 'contended' | 'not-written';

export interface LineOutcome {
  readonly line: number;
  readonly status: LineStatus;
  readonly type: string | null;
  readonly commandId: string | null;
  readonly cycleId: string | null;
  /** Contract commands only: the contract (their cycleId is null). */
  readonly contractId?: string;
  /** applied: the events stored, with their global positions. */
  readonly events?: readonly { readonly type: string; readonly position: bigint }[];
  /** applied: the cycle's figures right after the line (a contract command: the contract's credit figures). */
  readonly figures?: CycleFigures | ContractFigures;
  /** applied: the currency of those figures (the cycle's bill, the contract's), so amounts print in its decimals. */
  readonly currency?: string | null;
  readonly duplicate?: Duplicate | ContractDuplicate;
  /** rejected: the rule's code, message and figures; contended: the stream that kept moving. */
  readonly error?: { readonly code: string; readonly message: string } & Record<string, unknown>;
  /** malformed: each problem with its path into the line's JSON. */
  readonly problems?: readonly Problem[];
}

type Decoded = Extract<CommandLine, { ok: true }>;
type CycleLine = Extract<CommandLine, { kind: 'cycle' }>;
type Malformed = Extract<CommandLine, { ok: false }>;
type AnyResult = PartsResult<typeof renewalCycle> | PartsResult<typeof contractDecider> | BatchResult<typeof renewalCycle>;

/** Every outcome starts with the same fields in the same order: the JSON output is stable. */
const outcome = (entry: Decoded, status: LineStatus, extra: Partial<LineOutcome> = {}): LineOutcome => ({
  line: entry.line,
  status,
  type: entry.command.type,
  commandId: entry.command.commandId,
  cycleId: entry.kind === 'cycle' ? entry.command.cycleId : null,
  ...(entry.kind === 'contract' ? { contractId: entry.command.contractId } : {}),
  ...extra,
});

/** A line's outcome from the handler's answer: cycle and contract lines are answered alike. */
const outcomeOf = (entry: Decoded, r: AnyResult): LineOutcome => {
  switch (r.status) {
    case 'applied':
      return outcome(entry, 'applied', {
        events: r.events.map((e) => ({ type: e.type, position: e.globalPosition })),
        figures: r.figures,
        currency: 'bill' in r.state ? (r.state.bill?.currency ?? null) : (r.state.opened?.currency ?? null),
      });
    case 'duplicate':
      return outcome(entry, 'duplicate', { duplicate: r.duplicate });
    case 'rejected':
      return outcome(entry, 'rejected', { error: r.error as unknown as { code: string; message: string } & Record<string, unknown> });
    case 'contended':
      return outcome(entry, 'contended', { error: r.error });
    case 'not-written':
      return outcome(entry, 'not-written');
  }
};

const malformedOutcome = (entry: Malformed): LineOutcome => ({
  line: entry.line,
  status: 'malformed',
  type: entry.type,
  commandId: null,
  cycleId: null,
  problems: entry.problems,
});

interface Handlers {
  readonly cycles: CycleHandler;
  readonly contracts: ContractHandler;
}

/**
 * One batch of lines in file order, all decoded lines of one kind: through its handler's
 * `handleInParts` (one transaction; under contention smaller ones, down to a line alone, which is
 * then `contended`), and the malformed lines among them reported in their places.
 */
const applyBatch = async (handlers: Handlers, entries: readonly CommandLine[]): Promise<LineOutcome[]> => {
  const decoded = entries.filter((e): e is Decoded => e.ok);
  const first = decoded[0];
  const results: readonly AnyResult[] =
    first === undefined
      ? []
      : first.kind === 'cycle'
        ? await handlers.cycles.handleInParts(decoded.map((d) => (d as CycleLine).command))
        : await handlers.contracts.handleInParts(decoded.map((d) => (d as Extract<CommandLine, { kind: 'contract' }>).command));
  let next = 0;
  return entries.map((e) => (e.ok ? outcomeOf(e, results[next++]!) : malformedOutcome(e)));
};

/** The first line of the batch being applied, if one is, and the last line reported: where a run that fails stops. */
interface Whereabouts {
  line: number | null;
  reported: number;
}

/**
 * Applies the lines as they are read: each run of consecutive cycle or contract lines goes to its
 * handler in batches of `batchSize`, so a contract opened on line 1 exists for a lump sum on
 * line 2, and every batch's outcomes go to `report` before the next batch is read.
 */
const applyStreaming = async (
  handlers: Handlers,
  lines: AsyncIterable<CommandLine>,
  batchSize: number,
  report: (outcomes: readonly LineOutcome[]) => Promise<void>,
  at: Whereabouts,
): Promise<void> => {
  let batch: CommandLine[] = [];
  let kind: Decoded['kind'] | null = null;
  const flush = async () => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    kind = null;
    at.line = entries[0]!.line;
    await report(await applyBatch(handlers, entries));
    at.line = null;
    at.reported = entries[entries.length - 1]!.line;
  };
  for await (const entry of lines) {
    if (entry.ok && kind !== null && entry.kind !== kind) await flush();
    batch.push(entry);
    if (entry.ok) kind = entry.kind;
    if (batch.length >= batchSize) await flush();
  }
  await flush();
};

// --atomic: the handler decides and appends every line under the same revision checks and writes
// nothing when a line is refused, so another writer cannot slip in between the check and the write.
// With a malformed line in the file nothing is written either, but every other line is still
// decided, so one run shows every problem. A file whose cycles keep moving through every retry is
// not written, and each of its lines is `contended`.
const applyAtomically = async (handler: CycleHandler, entries: readonly CommandLine[]): Promise<LineOutcome[]> => {
  const decoded = entries.filter((e): e is CycleLine => e.ok && e.kind === 'cycle');
  const commands = decoded.map((d) => d.command);
  let results: readonly AnyResult[];
  try {
    results = decoded.length === entries.length ? await handler.handleAllOrNothing(commands) : await handler.check(commands);
  } catch (e) {
    if (!(e instanceof WrongExpectedRevisionError)) throw e;
    results = decoded.map(() => ({ status: 'contended', error: { code: e.code, message: e.message, streamName: e.streamName } }) as const);
  }
  let next = 0;
  return entries.map((e) => (e.ok ? outcomeOf(e, results[next++]!) : malformedOutcome(e as Malformed)));
};

const detailOf = (o: LineOutcome): string => {
  switch (o.status) {
    case 'applied': {
      const f = o.figures!;
      const after =
        'outstandingMinor' in f
          ? `outstanding ${amount(f.outstandingMinor, o.currency)}`
          : `credit ${amount(f.creditBalanceMinor, o.currency)}`;
      return `${o.events!.map((e) => `${e.type} #${e.position}`).join(', ')}; ${after}`;
    }
    case 'duplicate':
      return o.duplicate!.key === 'commandId'
        ? `command ${o.duplicate!.id} was already applied`
        : `the same fact as ${o.duplicate!.key} ${o.duplicate!.id}: nothing new`;
    case 'rejected':
      return `${o.error!.code}: ${o.error!.message}`;
    case 'contended':
      return `not written: ${o.error!.streamName} kept changing through every retry; apply the file again`;
    case 'malformed':
      return o.problems!.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
    case 'not-written':
      return 'fine, but not written: another line of the file failed (--atomic)';
  }
};

export interface ApplySummary {
  lines: number;
  applied: number;
  duplicate: number;
  rejected: number;
  malformed: number;
  contended: number;
  notWritten: number;
  eventsWritten: number;
}

/** The report's counts, kept as outcomes go by: nothing else of a line is kept. */
const counter = () => {
  const summary: ApplySummary = {
    lines: 0,
    applied: 0,
    duplicate: 0,
    rejected: 0,
    malformed: 0,
    contended: 0,
    notWritten: 0,
    eventsWritten: 0,
  };
  const key = {
    applied: 'applied',
    duplicate: 'duplicate',
    rejected: 'rejected',
    malformed: 'malformed',
    contended: 'contended',
    'not-written': 'notWritten',
  } as const;
  return {
    summary,
    add(o: LineOutcome) {
      summary.lines += 1;
      summary[key[o.status]] += 1;
      summary.eventsWritten += o.events?.length ?? 0;
    },
  };
};

const CSV_HEADER = ['line', 'status', 'type', 'command_id', 'cycle_id', 'code', 'detail'];
const csvRowOf = (o: LineOutcome) => [
  o.line,
  o.status,
  o.type,
  o.commandId,
  o.cycleId,
  o.error?.code ?? (o.status === 'malformed' ? 'INVALID_INPUT' : ''),
  detailOf(o),
];
const tableRowOf = (o: LineOutcome) => [String(o.line), o.status, o.type ?? '', o.cycleId ?? o.contractId ?? '', detailOf(o)];

/**
 * Where a run that failed stopped: the first line it did not report (that line and the ones after
 * it were not applied, or not known to be: applying the file again makes what was written a
 * duplicate), and why.
 */
export interface Stopped {
  readonly line: number;
  readonly reason: string;
}

interface Report {
  add(outcomes: readonly LineOutcome[]): Promise<void>;
  /** Ends the report with its summary; `stopped` when the run ended on an error. */
  end(stopped?: Stopped): Promise<ApplySummary>;
}

/** The report in the chosen format, written line by line as batches finish. */
const reportOf = async (
  format: 'table' | 'json' | 'csv',
  head: { file: string; store: string; atomic: boolean },
  problemsOnly: boolean,
): Promise<Report> => {
  const { summary, add } = counter();
  if (format === 'json') {
    const doc = await jsonDocumentStream(head, 'lines');
    return {
      add: async (outcomes) => {
        for (const o of outcomes) {
          add(o);
          await doc.item(o);
        }
      },
      end: async (stopped) => {
        await doc.end({ summary, ...(stopped ? { stopped } : {}) });
        return summary;
      },
    };
  }
  if (format === 'csv') {
    const rows = await csvStream(CSV_HEADER);
    return {
      add: async (outcomes) => {
        for (const o of outcomes) add(o);
        await rows.rows(outcomes.map(csvRowOf));
      },
      end: async () => summary,
    };
  }
  const rows = tableStream(['line', 'status', 'command', 'cycle', 'detail']);
  return {
    add: async (outcomes) => {
      for (const o of outcomes) add(o);
      await rows.rows(
        (problemsOnly
          ? outcomes.filter((o) => o.status === 'rejected' || o.status === 'malformed' || o.status === 'contended')
          : outcomes
        ).map(tableRowOf),
      );
    },
    end: async (stopped) => {
      await rows.end();
      const failed = summary.rejected + summary.malformed + summary.contended > 0;
      const parts = [
        `${count(summary.applied)} applied (${count(summary.eventsWritten)} event${summary.eventsWritten === 1 ? '' : 's'} written)`,
        `${count(summary.duplicate)} duplicate`,
        `${count(summary.rejected)} rejected`,
        `${count(summary.malformed)} malformed`,
      ];
      if (summary.contended) parts.push(`${count(summary.contended)} contended`);
      if (summary.notWritten) parts.push(`${count(summary.notWritten)} not written`);
      const atomic = head.atomic && failed ? '. --atomic: nothing was written' : '';
      const stop = stopped ? `. Stopped at line ${count(stopped.line)}: ${stopped.reason}` : '';
      await writeOutLine(
        `\n${head.file}: ${count(summary.lines)} line${summary.lines === 1 ? '' : 's'}: ${parts.join(', ')}${atomic}${stop}`,
      );
      return summary;
    },
  };
};

/**
 * The bytes of the file (or standard input for `-`), with the first chunk already read: a file
 * that cannot be read (missing, a directory) is found before anything else happens.
 */
const inputOf = async (file: string): Promise<{ chunks: AsyncIterable<Buffer>; size: number | null }> => {
  try {
    const source: AsyncIterable<Buffer> =
      file === '-' ? (process.stdin as AsyncIterable<Buffer>) : (await open(file)).createReadStream({ highWaterMark: 1 << 16 });
    const size = file === '-' ? null : (await stat(file)).size;
    const iterator = source[Symbol.asyncIterator]();
    const first = await iterator.next();
    async function* chunks(): AsyncGenerator<Buffer> {
      if (first.done) return;
      yield first.value;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
    }
    return { chunks: chunks(), size };
  } catch (e) {
    throw fileProblem(file, e);
  }
};

/** Counts the bytes going by, for the progress bar. */
async function* counted(chunks: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const c of chunks) {
    yield c;
    onBytes((n += c.length));
  }
}

const collect = async (lines: AsyncIterable<CommandLine>): Promise<CommandLine[]> => {
  const out: CommandLine[] = [];
  for await (const l of lines) out.push(l);
  return out;
};

export const applyCommand: Command = {
  name: NAME,
  summary: 'apply a JSON-lines file of commands (applied, duplicate or rejected per line)',
  common: true,
  help: `usage: renewal apply <file.jsonl | -> [--atomic] [--problems-only] [--batch N] [--recorded-at INSTANT] [--store URL] [--format table|json|csv]

Applies one command per line, as in the model, e.g.
  {"type":"RecordPayment","commandId":"pos-0412","cycleId":"unit-0301/2026-01","actor":"cashier-chen",
   "at":"2026-01-20T10:30:00Z","paymentId":"pay-0412","amountMinor":10000,"channel":"cash","offline":true}
Contract commands (OpenContract, ChangeFeePlan, GiveMandate, RevokeMandate, ReceiveLumpSum,
EndContract, ...; see docs/renewals.md) go through the contract handler, in file order with the
cycle commands: a file can open contracts and then record what happens to their cycles. A lump
sum is recorded on its contract here; renewal renew spreads it over the cycles.
Each line is reported applied, duplicate (its commandId, with the same content, or its business
id was already recorded: nothing new is written) or rejected with the rule's code and message (a
commandId already used for other content is COMMAND_ID_CONFLICT). A malformed line (not UTF-8,
not JSON, or not a valid command) is reported with its line number and the path of each problem,
and nothing of it is written; the other lines still apply. A line whose cycle kept changing
through every retry (other writers on the same cycles) is contended: nothing of it is written,
the others still apply; apply the file again. The file is read and reported as it goes, so a
file of any size takes little memory. \`-\` reads standard input.

  --atomic          all or nothing: decide every line first; write them all in one transaction
                    only if no line is malformed or rejected (duplicates are fine); cycle
                    commands only (a file with contract commands is a usage error); holds the
                    whole file in memory
  --problems-only   table format: list only the lines that were rejected, malformed or contended
  --batch N         lines per transaction without --atomic (default 500)
  --recorded-at T   record every line at this instant (Z or an offset) instead of now: a clerk
                    typing up a day of paper receipts; each line's "at" stays when it happened

Exit status: 0 when every line was applied or a duplicate, 1 when some were rejected, malformed
or contended, 2 for a usage error or a file that cannot be read.

Once the ledger has users (renewal users add), --actor (or RENEWAL_ACTOR) names the user applying
the file: every line is checked against that user's role (NOT_PERMITTED otherwise) and the role
is recorded with its events; a refund, adjustment or write-off over the role's limit is recorded
as a request for approval (renewal approvals list).`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      atomic: { type: 'boolean' },
      'problems-only': { type: 'boolean' },
      batch: { type: 'string' },
      'recorded-at': { type: 'string' },
    });
    const file = onePositional(NAME, positionals, 'the file of commands (JSON lines)');
    const format = formatOf(NAME, values.format);
    const batchSize = positiveIntOf(NAME, '--batch', values.batch ?? '500');
    const recordedAt = values['recorded-at'] === undefined ? null : instantOf(NAME, '--recorded-at', values['recorded-at']);
    // A time of recording is now or past: a fact cannot be recorded before it happened, nor at a
    // time still to come (docs/cli.md). Each line's own `at` is checked against it by the handler.
    // "Now" is the later of the CLI's clock (RENEWAL_NOW, which may stand at a past day to rerun
    // its jobs) and the machine's: typing up the paper of a real past day stays possible whatever
    // day RENEWAL_NOW replays, and a time past both (2099 for 2026) is a typo.
    const now = [clockNow(), new Date().toISOString() as Instant].reduce((a, b) => (compareInstants(a, b) >= 0 ? a : b));
    if (recordedAt !== null && compareInstants(recordedAt, now) > 0)
      throw new UsageError(`--recorded-at ${recordedAt} is in the future (now is ${now}): a time of recording is now or earlier`, NAME);
    const input = await inputOf(file);
    const bar = progress(input.size === null ? 'bytes read' : 'bytes', input.size ?? 0, { mode: input.size === null ? 'off' : 'lazy' });
    const lines = commandLines(counted(input.chunks, (n) => bar.update(n)));
    // --atomic decides the file as one: every line first, and a contract line refused before the store is opened.
    const atomicEntries = values.atomic ? await collect(lines) : null;
    if (atomicEntries) {
      const contractLine = atomicEntries.find((e) => e.ok && e.kind === 'contract');
      if (contractLine)
        throw new UsageError(
          `--atomic takes cycle commands only; line ${contractLine.line} is a contract command (apply contract commands without --atomic)`,
          NAME,
        );
    }
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl);
    let summary: ApplySummary;
    try {
      await readLedger(store);
      // Once the ledger has users, every line is checked against the role of whoever applies the file.
      const who = await actorOf(store, NAME, values.actor);
      const access = who.access ? { access: who.access, role: who.role! } : {};
      // --recorded-at: every line recorded at that instant (paper receipts typed up later).
      const clock = () => recordedAt ?? clockNow();
      const cycles = getCommandHandler(renewalCycle, { store, clock, ...access });
      const report = await reportOf(format, { file, store: storeUrl, atomic: values.atomic === true }, values['problems-only'] === true);
      const at: Whereabouts = { line: atomicEntries ? (atomicEntries[0]?.line ?? 1) : null, reported: 0 };
      try {
        if (atomicEntries) await report.add(await applyAtomically(cycles, atomicEntries));
        else
          await applyStreaming(
            { cycles, contracts: getCommandHandler(contractDecider, { store, clock, ...access }) },
            lines,
            batchSize,
            report.add,
            at,
          );
      } catch (e) {
        // The report still ends, saying what was done before the error and where it stopped;
        // then the error is told in one sentence (a bug keeps its own, for --debug).
        const { message, exitCode, expected } = describeError(e);
        const line = at.line ?? at.reported + 1;
        await report.end({ line, reason: message });
        if (expected) throw new CliError(`stopped at line ${count(line)}: ${message}`, exitCode, { cause: e });
        throw e;
      }
      bar.finish();
      summary = await report.end();
    } finally {
      await store.close();
    }
    return summary.rejected + summary.malformed + summary.contended > 0 ? 1 : 0;
  },
};
