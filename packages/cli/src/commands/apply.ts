// `renewal apply <file.jsonl>`: commands entered in bulk (the paper receipts of a day of offline
// collection, an export from another system). Each line is applied, found a duplicate, or
// rejected by a rule; a malformed line writes nothing and the others still apply. With --atomic
// the whole file is decided first and written in one transaction only if every line is fine.
// Contract commands (OpenContract, GiveMandate, ...) go through the contract handler, in file
// order with the cycle commands around them; --atomic takes cycle commands only.
import { readFile } from 'node:fs/promises';
import type { ContractDuplicate, ContractFigures, CycleFigures, Duplicate, Problem } from '@renewal-ledger/core';
import { getContractHandler, type ContractHandler, type ContractHandleResult } from '@renewal-ledger/renewals';
import { EventIdConflictError, getCommandHandler, type CommandHandler, type HandleResult } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { formatOf, onePositional, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { parseCommandLines, type CommandLine } from '../command-lines.js';
import { fileProblem, UsageError } from '../errors.js';
import { count, csv, money, print, printJson, table, warn } from '../output.js';
import { progress } from '../progress.js';
import { storeUrlOf } from '../session.js';

const NAME = 'apply';

export type LineStatus = 'applied' | 'duplicate' | 'rejected' | 'malformed' | 'not-written';

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
  readonly duplicate?: Duplicate | ContractDuplicate;
  /** rejected: the rule's code, message and figures. */
  readonly error?: { readonly code: string; readonly message: string } & Record<string, unknown>;
  /** malformed: each problem with its path into the line's JSON. */
  readonly problems?: readonly Problem[];
}

type Decoded = Extract<CommandLine, { ok: true }>;
type CycleLine = Extract<CommandLine, { kind: 'cycle' }>;
type ContractLine = Extract<CommandLine, { kind: 'contract' }>;

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

/** A line's outcome from its handler's answer: the cycle and contract handlers answer alike. */
const outcomeOf = (entry: CycleLine | ContractLine, r: HandleResult | ContractHandleResult): LineOutcome => {
  switch (r.status) {
    case 'applied':
      return outcome(entry, 'applied', { events: r.events.map((e) => ({ type: e.type, position: e.globalPosition })), figures: r.figures });
    case 'duplicate':
      return outcome(entry, 'duplicate', { duplicate: r.duplicate });
    case 'rejected':
      return outcome(entry, 'rejected', { error: r.error as unknown as { code: string; message: string } & Record<string, unknown> });
  }
};

const malformedOutcome = (entry: Extract<CommandLine, { ok: false }>): LineOutcome => ({
  line: entry.line,
  status: 'malformed',
  type: entry.type,
  commandId: null,
  cycleId: null,
  problems: entry.problems,
});

/** A command id reused for another cycle: the store refuses the whole append. */
const conflictOutcome = (entry: Decoded, e: EventIdConflictError): LineOutcome =>
  outcome(entry, 'rejected', { error: { code: e.code, message: e.message, eventId: e.eventId, storedIn: e.storedIn } });

interface LineHandler<C> {
  handle(command: C): Promise<unknown>;
  handleBatch(commands: readonly C[]): Promise<readonly unknown[]>;
}

/**
 * Applies lines in batches of one transaction each, through the cycle or the contract handler; a
 * batch refused for a command id reused elsewhere is applied line by line, so that one line is
 * rejected alone.
 */
const applyLines = async <L extends Decoded & { readonly command: C }, C, R>(
  handler: LineHandler<C>,
  entries: readonly L[],
  outcomeOfResult: (line: L, result: R) => LineOutcome,
  batchSize: number,
  onProgress: (n: number) => void,
) => {
  const out: LineOutcome[] = [];
  for (let i = 0; i < entries.length; i += batchSize) {
    const batch = entries.slice(i, i + batchSize);
    try {
      const results = await handler.handleBatch(batch.map((b) => b.command));
      batch.forEach((b, j) => out.push(outcomeOfResult(b, results[j] as R)));
    } catch (e) {
      if (!(e instanceof EventIdConflictError)) throw e;
      for (const b of batch) {
        try {
          out.push(outcomeOfResult(b, (await handler.handle(b.command)) as R));
        } catch (single) {
          if (!(single instanceof EventIdConflictError)) throw single;
          out.push(conflictOutcome(b, single));
        }
      }
    }
    onProgress(i + batch.length);
  }
  return out;
};

const applyCycleLines = (handler: CommandHandler, entries: readonly CycleLine[], batchSize: number, onProgress: (n: number) => void) =>
  applyLines(handler, entries, outcomeOf, batchSize, onProgress);

const applyContractLines = (handler: ContractHandler, entries: readonly ContractLine[], batchSize: number, onProgress: (n: number) => void) =>
  applyLines(handler, entries, outcomeOf, batchSize, onProgress);

/**
 * Applies the lines in file order: each run of consecutive cycle lines or contract lines goes to
 * its handler in batches, so a contract opened on line 1 exists for a lump sum on line 2.
 */
const applyEach = async (
  handlers: { readonly cycles: CommandHandler; readonly contracts: ContractHandler },
  entries: readonly Decoded[],
  batchSize: number,
  onProgress: (n: number) => void,
) => {
  const out: LineOutcome[] = [];
  let i = 0;
  while (i < entries.length) {
    const kind = entries[i]!.kind;
    let j = i;
    while (j < entries.length && entries[j]!.kind === kind) j++;
    const run = entries.slice(i, j);
    const done = i;
    const progressFrom = (n: number) => onProgress(done + n);
    out.push(
      ...(kind === 'cycle'
        ? await applyCycleLines(handlers.cycles, run as CycleLine[], batchSize, progressFrom)
        : await applyContractLines(handlers.contracts, run as ContractLine[], batchSize, progressFrom)),
    );
    i = j;
  }
  return out;
};

// --atomic: the handler decides and appends every line under the same revision checks and writes
// nothing when a line is refused, so another writer cannot slip in between the check and the write.
// With a malformed line in the file nothing is written either, but every other line is still
// decided, so one run shows every problem.
const applyAtomically = async (handler: CommandHandler, entries: readonly CommandLine[]): Promise<LineOutcome[]> => {
  const decoded = entries.filter((e): e is CycleLine => e.ok && e.kind === 'cycle');
  const commands = decoded.map((d) => d.command);
  try {
    const results = decoded.length === entries.length ? await handler.handleAllOrNothing(commands) : await handler.check(commands);
    const byLine = new Map(decoded.map((d, i) => [d.line, results[i]!.status === 'not-written' ? outcome(d, 'not-written') : outcomeOf(d, results[i] as HandleResult)]));
    return entries.map((entry) => (entry.ok ? byLine.get(entry.line)! : malformedOutcome(entry)));
  } catch (e) {
    if (!(e instanceof EventIdConflictError)) throw e;
    // One transaction: nothing was written. Name the line whose command id is taken.
    const commandId = e.eventId.replace(/#\d+$/, '');
    return entries.map((entry) =>
      !entry.ok ? malformedOutcome(entry) : entry.command.commandId === commandId ? conflictOutcome(entry, e) : outcome(entry, 'not-written'),
    );
  }
};

const detailOf = (o: LineOutcome): string => {
  switch (o.status) {
    case 'applied': {
      const f = o.figures!;
      const after = 'outstandingMinor' in f ? `outstanding ${money(f.outstandingMinor)}` : `credit ${money(f.creditBalanceMinor)}`;
      return `${o.events!.map((e) => `${e.type} #${e.position}`).join(', ')}; ${after}`;
    }
    case 'duplicate':
      return o.duplicate!.key === 'commandId' ? `command ${o.duplicate!.id} was already applied` : `the same fact as ${o.duplicate!.key} ${o.duplicate!.id}: nothing new`;
    case 'rejected':
      return `${o.error!.code}: ${o.error!.message}`;
    case 'malformed':
      return o.problems!.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
    case 'not-written':
      return 'fine, but not written: another line of the file failed (--atomic)';
  }
};

export const summarise = (outcomes: readonly LineOutcome[]) => {
  const n = (s: LineStatus) => outcomes.filter((o) => o.status === s).length;
  return {
    lines: outcomes.length,
    applied: n('applied'),
    duplicate: n('duplicate'),
    rejected: n('rejected'),
    malformed: n('malformed'),
    notWritten: n('not-written'),
    eventsWritten: outcomes.reduce((a, o) => a + (o.events?.length ?? 0), 0),
  };
};

export const applyCommand: Command = {
  name: NAME,
  summary: 'apply a JSON-lines file of commands (applied, duplicate or rejected per line)',
  common: true,
  help: `usage: renewal apply <file.jsonl | -> [--atomic] [--problems-only] [--batch N] [--store URL] [--format table|json|csv]

Applies one command per line, as in the model, e.g.
  {"type":"RecordPayment","commandId":"pos-0412","cycleId":"unit-0301/2026-01","actor":"cashier-chen",
   "at":"2026-01-20T10:30:00Z","paymentId":"pay-0412","amountMinor":10000,"channel":"cash","offline":true}
Contract commands (OpenContract, ChangeFeePlan, GiveMandate, RevokeMandate, ReceiveLumpSum,
EndContract, ...; see docs/renewals.md) go through the contract handler, in file order with the
cycle commands: a file can open contracts and then record what happens to their cycles. A lump
sum is recorded on its contract here; renewal renew spreads it over the cycles.
Each line is reported applied, duplicate (its commandId or business id was already recorded:
nothing new is written) or rejected with the rule's code and message. A malformed line (not JSON,
or not a valid command) is reported with its line number and the path of each problem, and
nothing of it is written; the other lines still apply. \`-\` reads standard input.

  --atomic          all or nothing: decide every line first; write them all in one transaction
                    only if no line is malformed or rejected (duplicates are fine); cycle
                    commands only (a file with contract commands is a usage error)
  --problems-only   table format: list only the lines that were rejected or malformed
  --batch N         lines per transaction without --atomic (default 500)

Exit status: 0 when no line was rejected or malformed, 1 when some were, 2 for a usage error or
a file that cannot be read.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, {
      atomic: { type: 'boolean' },
      'problems-only': { type: 'boolean' },
      batch: { type: 'string' },
    });
    const file = onePositional(NAME, positionals, 'the file of commands (JSON lines)');
    const format = formatOf(NAME, values.format);
    const batchSize = positiveIntOf(NAME, '--batch', values.batch ?? '500');
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (e) {
      throw fileProblem(file, e);
    }
    const entries = parseCommandLines(text);
    if (values.atomic) {
      const contractLine = entries.find((e) => e.ok && e.kind === 'contract');
      if (contractLine)
        throw new UsageError(`--atomic takes cycle commands only; line ${contractLine.line} is a contract command (apply contract commands without --atomic)`, NAME);
    }
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl);
    let outcomes: LineOutcome[];
    try {
      const handler = getCommandHandler({ store });
      if (values.atomic) {
        outcomes = await applyAtomically(handler, entries);
      } else {
        const decoded = entries.filter((e): e is Decoded => e.ok);
        const bar = progress('commands', decoded.length, { mode: 'lazy' });
        const applied = await applyEach({ cycles: handler, contracts: getContractHandler({ store }) }, decoded, batchSize, (n) => bar.update(n));
        bar.finish();
        const byLine = new Map(applied.map((o) => [o.line, o]));
        outcomes = entries.map((e) => (e.ok ? byLine.get(e.line)! : malformedOutcome(e)));
      }
    } finally {
      await store.close();
    }
    const summary = summarise(outcomes);
    const failed = summary.rejected + summary.malformed > 0;
    if (format === 'json') {
      printJson({ file, store: storeUrl, atomic: values.atomic === true, summary, lines: outcomes });
    } else if (format === 'csv') {
      print(
        csv(
          ['line', 'status', 'type', 'command_id', 'cycle_id', 'code', 'detail'],
          outcomes.map((o) => [o.line, o.status, o.type, o.commandId, o.cycleId, o.error?.code ?? (o.status === 'malformed' ? 'INVALID_INPUT' : ''), detailOf(o)]),
        ),
      );
    } else {
      const shown = values['problems-only'] ? outcomes.filter((o) => o.status === 'rejected' || o.status === 'malformed') : outcomes;
      if (shown.length > 0) print(table(['line', 'status', 'command', 'cycle', 'detail'], shown.map((o) => [String(o.line), o.status, o.type ?? '', o.cycleId ?? o.contractId ?? '', detailOf(o)])));
      const parts = [
        `${count(summary.applied)} applied (${count(summary.eventsWritten)} event${summary.eventsWritten === 1 ? '' : 's'} written)`,
        `${count(summary.duplicate)} duplicate`,
        `${count(summary.rejected)} rejected`,
        `${count(summary.malformed)} malformed`,
      ];
      if (summary.notWritten) parts.push(`${count(summary.notWritten)} not written`);
      print(`\n${file}: ${count(summary.lines)} line${summary.lines === 1 ? '' : 's'}: ${parts.join(', ')}${values.atomic && failed ? '. --atomic: nothing was written' : ''}`);
    }
    return failed ? 1 : 0;
  },
};

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
