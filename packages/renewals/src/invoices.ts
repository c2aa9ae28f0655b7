// The invoicing run: which cycles the ledger's rules say to invoice now (paid in full, or billed),
// one invoice per contract for all of them (a quarter paid at once is one invoice of three
// cycles), red invoices for refunds of invoiced payments (or tasks, by the rules), and every
// invoice not yet issued handed to the InvoiceIssuer, whose answer is recorded. Ids derive from
// the contract's invoices so far, and the issuer answers an id it knows with its number, so a
// run that stopped half way is finished by the next one, and nothing is issued twice.
import {
  businessDayOf,
  cycleIdOfStream,
  cycleStreamName,
  businessHourOf,
  creditedOnLine,
  cycleFigures,
  decodeInvoiceCommand,
  INVOICING_RULES_STREAM,
  invoiceableLinesOf,
  invoiceDecider,
  invoiceEvents,
  invoicedOnCycle,
  invoiceOf,
  invoiceStreamName,
  invoicingRulesDecider,
  evolveInvoice,
  evolveLedgerSettings,
  initialInvoiceState,
  initialLedgerSettings,
  ledgerSettingsEvents,
  ledgerZonesOf,
  overInvoicedMinor,
  redLinesForRefund,
  type BusinessDate,
  type ContractState,
  type CycleState,
  type Instant,
  type InvoiceBuyer,
  type InvoiceCommand,
  type InvoiceError,
  type InvoiceFact,
  type InvoiceState,
  type InvoicingRules,
  type CommandIdConflict,
  type NotPermitted,
  type RecordedBeforeItHappened,
} from '@renewal-ledger/core';
import {
  getCommandHandler,
  loadAggregate,
  WrongExpectedRevisionError,
  type CommandHandler,
  type EventStore,
} from '@renewal-ledger/eventstore';
import type { EngineOptions } from './engine.js';
import type { InvoiceIssuer, IssuerAnswer } from './invoice-issuer.js';
import { loadCycle, readPortfolio } from './ledger.js';

/** `getCommandHandler(invoiceDecider, { store })`. */
export type InvoiceHandler = CommandHandler<typeof invoiceDecider>;

/** The ledger's invoicing rules in force; null when none were ever set (then nothing is invoiced). */
export const readInvoicingRules = async (store: EventStore): Promise<InvoicingRules | null> =>
  (await loadAggregate(invoicingRulesDecider, store, INVOICING_RULES_STREAM)).state.rules;

/** One contract's invoices, read from its stream. */
export const loadInvoices = async (store: EventStore, contractId: string): Promise<InvoiceState> =>
  (await loadAggregate(invoiceDecider, store, invoiceStreamName(contractId))).state;

export interface IssueInvoicesOptions extends EngineOptions {
  readonly issuer: InvoiceIssuer;
  /** The day of the run. */
  readonly asOf: BusinessDate;
  /** When the invoices are asked for and issued. Default 17:00 on `asOf` in the ledger's zone. */
  readonly at?: Instant;
  readonly actor?: string;
  /** Default: read from the store (`readInvoicingRules`). */
  readonly rules?: InvoicingRules;
  /** Default `getCommandHandler(invoiceDecider, { store })`. */
  readonly invoiceHandler?: InvoiceHandler;
  /**
   * Invoice these cycles now, whatever the rules' trigger (an invoice on request): each must be
   * billed and not invoiced yet.
   */
  readonly cycleIds?: readonly string[];
  /** Where the contracts' invoices are read from. Default: one pass over the log (`getInvoicesReader(store).read()`). */
  readonly invoices?: InvoicesReader;
  /** Commands per handler batch (one transaction each). Default 500. */
  readonly batchSize?: number;
}

export interface IssuedInvoice {
  readonly invoiceId: string;
  readonly contractId: string;
  readonly kind: 'blue' | 'red';
  readonly officialNumber: string;
  readonly amountMinor: number;
  readonly taxMinor: number;
}

/** A refund of an invoiced payment that a person is to turn into a red invoice (`refundCredit: 'task'`). */
export interface RedInvoiceTask {
  readonly contractId: string;
  readonly cycleId: string;
  /** What lowered what the cycle may be invoiced: a refund, an adjustment or an upheld dispute. */
  readonly reason: 'refund' | 'adjustment' | 'dispute';
  /** The refund's id; null for an adjustment or a dispute (`sourceId` names it). */
  readonly refundId: string | null;
  /** The refund's, the adjustment's or the dispute's id. */
  readonly sourceId: string;
  readonly originalInvoiceId: string;
  readonly amountMinor: number;
}

export interface InvoicesReport {
  readonly asOf: BusinessDate;
  /** Invoices asked for in this run (blue and red). */
  readonly requested: number;
  readonly issued: readonly IssuedInvoice[];
  readonly refused: readonly { readonly invoiceId: string; readonly code: string; readonly reason: string }[];
  /** The issuer gave no answer (it threw): asked again on the next run. */
  readonly noAnswer: readonly { readonly invoiceId: string; readonly error: string }[];
  readonly rejected: readonly {
    readonly invoiceId: string;
    readonly error: InvoiceError | CommandIdConflict | RecordedBeforeItHappened | NotPermitted;
  }[];
  readonly tasks: readonly RedInvoiceTask[];
}

/** The buyer invoices name: the one set on the contract, else the customer's name and address. */
const buyerOf = (contract: ContractState): InvoiceBuyer => {
  if (contract.invoiceBuyer) return contract.invoiceBuyer.buyer;
  const c = contract.opened!.customer;
  return {
    name: c.name,
    ...(c.contact.address !== undefined ? { address: c.contact.address } : {}),
    ...(c.contact.phone !== undefined ? { phone: c.contact.phone } : {}),
  } as InvoiceBuyer;
};

/** Whether the rules say to invoice a cycle now. */
const due = (rules: InvoicingRules, cycle: CycleState, onRequest: ReadonlySet<string>): boolean => {
  if (!cycle.bill) return false;
  if (onRequest.has(cycle.bill.cycleId)) return true;
  if (rules.issueOn === 'billing') return true;
  if (rules.issueOn === 'payment') {
    const f = cycleFigures(cycle);
    return f.dueMinor > 0 && f.outstandingMinor <= 0;
  }
  return false;
};

/** The newest issued blue invoice with something left to take back on a cycle. */
const invoiceToCredit = (state: InvoiceState, cycleId: string): InvoiceFact | null => {
  for (let i = state.invoices.length - 1; i >= 0; i--) {
    const f = state.invoices[i]!;
    if (f.kind !== 'blue' || f.status !== 'issued') continue;
    const left = f.requested.lines.some(
      (l) => l.cycleId === cycleId && l.amountMinor > creditedOnLine(state, f.invoiceId, cycleId, l.code).amountMinor,
    );
    if (left) return f;
  }
  return null;
};

/** What is left invoiced of each of a cycle's lines on one blue invoice: what a red invoice may take back. */
const remainingOn = (state: InvoiceState, original: InvoiceFact, cycleId: string) =>
  original.requested.lines
    .filter((l) => l.cycleId === cycleId)
    .map((l) => ({
      cycleId,
      code: l.code,
      remainingMinor: l.amountMinor - creditedOnLine(state, original.invoiceId, cycleId, l.code).amountMinor,
    }));

/** A contract's invoice commands for a run, with ids that follow the invoices it has so far. */
const proposals = (
  rules: InvoicingRules,
  contract: ContractState,
  cycles: readonly CycleState[],
  state: InvoiceState,
  onRequest: ReadonlySet<string>,
  tasks: RedInvoiceTask[],
): Record<string, unknown>[] => {
  const contractId = contract.opened!.contractId;
  let count = state.invoices.length;
  const nextId = () => `${contractId}/invoice/${++count}`;
  const out: Record<string, unknown>[] = [];
  /** A red invoice against `original`, its id the contract's next. */
  const credit = (original: InvoiceFact, lines: readonly unknown[], why: Record<string, string>) => {
    const invoiceId = nextId();
    out.push({
      type: 'CreditInvoice',
      commandId: `${invoiceId}/credit`,
      contractId,
      invoiceId,
      originalInvoiceId: original.invoiceId,
      ...why,
      lines,
    });
  };

  // Blue: every cycle due and not invoiced yet, on one invoice.
  const lines = [];
  const billed = [];
  for (const cycle of cycles) {
    if (!due(rules, cycle, onRequest) || invoicedOnCycle(state, cycle.bill!.cycleId) !== 0) continue;
    const invoiceable = invoiceableLinesOf(cycle, rules);
    if (!invoiceable || invoiceable.lines.length === 0) continue;
    lines.push(...invoiceable.lines);
    billed.push(invoiceable.billed);
  }
  if (lines.length > 0) {
    const invoiceId = nextId();
    out.push({
      type: 'RequestInvoice',
      commandId: `${invoiceId}/request`,
      contractId,
      invoiceId,
      currency: contract.opened!.currency,
      buyer: buyerOf(contract),
      trigger: onRequest.size > 0 ? 'request' : rules.issueOn,
      lines,
      billed,
    });
  }

  // Red: a refund recorded after a cycle was invoiced takes back what it refunded.
  for (const cycle of cycles) {
    const cycleId = cycle.bill!.cycleId;
    for (const refund of cycle.refunds) {
      const named = state.invoices.some(
        (f) =>
          f.kind === 'red' &&
          (f.requested as { refundId?: string }).refundId === refund.refundId &&
          f.requested.lines.some((l) => l.cycleId === cycleId),
      );
      if (named) continue;
      const original = invoiceToCredit(state, cycleId);
      if (!original || refund.at < original.requested.at) continue;
      const redLines = redLinesForRefund(remainingOn(state, original, cycleId), refund.amountMinor);
      if (redLines.length === 0) continue;
      // Only a ledger that invoices on payment knows a refund takes back what was invoiced; one
      // that invoices on billing may be refunding an overpayment: a person decides.
      if (rules.refundCredit === 'task' || rules.issueOn !== 'payment') {
        tasks.push({
          contractId,
          cycleId,
          reason: 'refund',
          refundId: refund.refundId,
          sourceId: refund.refundId,
          originalInvoiceId: original.invoiceId,
          amountMinor: redLines.reduce((a, l) => a + l.amountMinor, 0),
        });
        continue;
      }
      credit(original, redLines, { reason: 'refund', refundId: refund.refundId });
    }
  }

  // Adjustments and upheld disputes: a cycle may never stay invoiced above its bill net of them.
  // What is above is taken back by a red invoice (reason adjustment or dispute) or listed as a
  // task, by the same rule as refunds. A cycle a refund's red invoice of this run touches waits
  // for the next run, which sees that invoice: nothing is taken back twice.
  const touched = new Set(out.flatMap((c) => (c.type === 'CreditInvoice' ? (c.lines as { cycleId: string }[]).map((l) => l.cycleId) : [])));
  for (const cycle of cycles) {
    const cycleId = cycle.bill!.cycleId;
    if (touched.has(cycleId)) continue;
    const excess = overInvoicedMinor(cycle, rules, invoicedOnCycle(state, cycleId));
    if (excess <= 0) continue;
    const original = invoiceToCredit(state, cycleId);
    if (!original) continue;
    const source = latestLowering(cycle);
    if (!source) continue;
    const redLines = redLinesForRefund(remainingOn(state, original, cycleId), excess);
    if (redLines.length === 0) continue;
    if (rules.refundCredit === 'task') {
      tasks.push({
        contractId,
        cycleId,
        reason: source.reason,
        refundId: null,
        sourceId: source.id,
        originalInvoiceId: original.invoiceId,
        amountMinor: redLines.reduce((a, l) => a + l.amountMinor, 0),
      });
      continue;
    }
    credit(original, redLines, { reason: source.reason, note: `${source.reason} ${source.id}` });
  }
  return out;
};

/** The newest fact that lowered what a cycle may be invoiced: an adjustment, or a dispute upheld with an adjustment. */
const latestLowering = (cycle: CycleState): { reason: 'adjustment' | 'dispute'; id: string } | null => {
  let latest: { reason: 'adjustment' | 'dispute'; id: string; at: string } | null = null;
  for (const a of cycle.adjustments) if (!latest || a.at >= latest.at) latest = { reason: 'adjustment', id: a.adjustmentId, at: a.at };
  for (const d of cycle.disputes) {
    const r = d.resolution;
    if (r && r.adjustmentMinor > 0 && (!latest || r.at >= latest.at)) latest = { reason: 'dispute', id: d.raised.disputeId, at: r.at };
  }
  return latest;
};

/** Reads every contract's invoices once, then on each `read()` only what was appended since. */
export interface InvoicesReader {
  read(): Promise<ReadonlyMap<string, InvoiceState>>;
  /**
   * Has the next `read()` read this contract's invoices whole from its stream again: for a
   * reader that lets go of invoices (`onlyFor`), when a cycle it let them go for is back.
   */
  readWhole(contractId: string): void;
}

export interface InvoicesReaderOptions {
  /**
   * Hold only what the invoicing run needs for the cycles this answers true for (the ones the
   * engine's portfolio reader holds): an invoice issued or refused whose cycles all answer false
   * is let go, and its place kept, so the contract's next invoice id is still right. A cycle that
   * comes back (a refund on one the engine had let go) needs its contract read whole again
   * (`readWhole`). The states are then for proposing invoices only: no command ids. Default: hold
   * every invoice.
   */
  readonly onlyFor?: (cycleId: string) => boolean;
  /**
   * Read the log only up to the first event recorded after this day in the ledger's zone, as
   * `getPortfolioReader`'s `knownUntil`: a replay of a simulation on a store that holds it already
   * reads each day's invoices as they were known then, not every invoice to come. Default: the
   * whole log.
   */
  readonly knownUntil?: () => BusinessDate;
}

/** One contract's invoices folded up to a global position. */
const invoicesUpTo = async (store: EventStore, contractId: string, position: bigint): Promise<InvoiceState> => {
  let state = initialInvoiceState();
  for await (const e of store.readStream(invoiceStreamName(contractId))) {
    if (e.globalPosition > position) break;
    state = evolveInvoice(state, invoiceEvents.of(e));
  }
  return state;
};

/** What stands in for an invoice let go: no lines, nothing to issue, never matched by id. */
const LET_GO: InvoiceFact = {
  invoiceId: '',
  kind: 'blue',
  requested: { lines: [] } as unknown as InvoiceFact['requested'],
  originalInvoiceId: null,
  status: 'issued',
  issued: null,
  closed: null,
};

/** A contract's invoices less those `onlyFor` lets go (and the originals of those it keeps). */
const compacted = (state: InvoiceState, onlyFor: (cycleId: string) => boolean): InvoiceState => {
  const kept = new Set<string>();
  for (const f of state.invoices)
    if (f.status === 'requested' || f.requested.lines.some((l) => onlyFor(l.cycleId))) {
      kept.add(f.invoiceId);
      if (f.originalInvoiceId !== null) kept.add(f.originalInvoiceId);
    }
  if (kept.size === state.invoices.filter((f) => f !== LET_GO).length && state.commandIds.length === 0) return state;
  return { commandIds: [], invoices: state.invoices.map((f) => (kept.has(f.invoiceId) ? f : LET_GO)), eventCount: state.eventCount };
};

export const getInvoicesReader = (store: EventStore, options: InvoicesReaderOptions = {}): InvoicesReader => {
  const books = new Map<string, InvoiceState>();
  const whole = new Set<string>();
  let position = -1n;
  let settings = initialLedgerSettings();
  let zones = ledgerZonesOf(settings);
  return {
    async read() {
      const until = options.knownUntil?.();
      for await (const e of store.readAll({ batchSize: 1000, ...(position >= 0n ? { after: position } : {}) })) {
        if (until !== undefined && businessDayOf(zones, e.metadata.recordedAt) > until) break;
        position = e.globalPosition;
        if (ledgerSettingsEvents.owns(e.type)) {
          settings = evolveLedgerSettings(settings, ledgerSettingsEvents.of(e));
          zones = ledgerZonesOf(settings);
        }
        if (!invoiceEvents.owns(e.type)) continue;
        const event = invoiceEvents.of(e);
        const id = event.data.contractId;
        books.set(id, evolveInvoice(books.get(id) ?? initialInvoiceState(), event));
      }
      const { onlyFor } = options;
      if (onlyFor === undefined) return books;
      // Read whole up to where the log was read above (nothing is appended meanwhile: one writer).
      for (const id of whole) books.set(id, await invoicesUpTo(store, id, position));
      whole.clear();
      for (const [id, state] of books) books.set(id, compacted(state, onlyFor));
      return books;
    },
    readWhole(contractId) {
      whole.add(contractId);
    },
  };
};

export const issueInvoices = async (options: IssueInvoicesOptions): Promise<InvoicesReport> => {
  const { store, issuer, asOf } = options;
  const report = {
    asOf,
    requested: 0,
    issued: [] as IssuedInvoice[],
    refused: [] as { invoiceId: string; code: string; reason: string }[],
    noAnswer: [] as { invoiceId: string; error: string }[],
    rejected: [] as InvoicesReport['rejected'][number][],
    tasks: [] as RedInvoiceTask[],
  };
  const rules = options.rules ?? (await readInvoicingRules(store));
  if (!rules) return report;
  const handler = options.invoiceHandler ?? getCommandHandler(invoiceDecider, { store });
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const portfolio = await (options.portfolio ? options.portfolio.read() : readPortfolio(store, { cycles: true }));
  const zones = options.zones ?? portfolio.zones;
  const at = options.at ?? businessHourOf(zones, asOf, 17);
  const issuedOn = businessDayOf(zones, at);
  const actor = options.actor ?? 'invoicing';
  const books = new Map(await (options.invoices ?? getInvoicesReader(store)).read());
  const onRequest = new Set(options.cycleIds ?? []);
  const decode = (json: Record<string, unknown>): InvoiceCommand => {
    const d = decodeInvoiceCommand({ actor, at, ...json });
    if (d._tag === 'Left') throw new Error(`invoice command ${JSON.stringify(json.commandId)} does not decode: ${d.left.message}`);
    return d.right;
  };
  /** Handles commands in batches; the contracts' invoices as the applied ones left them. */
  const handleAll = async (commands: readonly InvoiceCommand[]): Promise<boolean[]> => {
    const done: boolean[] = [];
    for (let i = 0; i < commands.length; i += batchSize) {
      const chunk = commands.slice(i, i + batchSize);
      const results = await handler.handleBatch(chunk);
      results.forEach((r, j) => {
        const c = chunk[j]!;
        if (r.status === 'applied') books.set(c.contractId, r.state);
        if (r.status === 'rejected') report.rejected.push({ invoiceId: c.invoiceId, error: r.error });
        done.push(r.status === 'applied');
      });
    }
    return done;
  };

  const cyclesOf = new Map<string, CycleState[]>();
  for (const cycle of portfolio.cycles.values()) {
    if (!cycle.bill) continue;
    const list = cyclesOf.get(cycle.bill.contractId) ?? [];
    list.push(cycle);
    cyclesOf.set(cycle.bill.contractId, list);
  }
  const byStart = (a: CycleState, b: CycleState) => (a.bill!.period.start < b.bill!.period.start ? -1 : 1);
  const requests: InvoiceCommand[] = [];
  for (const [contractId, contract] of portfolio.contracts) {
    if (!contract.opened) continue;
    const cycles = (cyclesOf.get(contractId) ?? []).sort(byStart);
    const state = books.get(contractId) ?? initialInvoiceState();
    for (const json of proposals(rules, contract, cycles, state, onRequest, report.tasks)) requests.push(decode(json));
  }
  // The cap holds at write time: a blue invoice is asked for only if every cycle it names is still
  // at the revision its billed figure was read at (an adjustment landing meanwhile moves it). A
  // chunk that meets a moved cycle is handled again contract by contract; a contract whose cycles
  // moved is read again and its invoices computed anew.
  const revisionOf = (cycleId: string): bigint => BigInt((portfolio.cycles.get(cycleId)?.eventCount ?? 0) - 1);
  const conditionsOf = (commands: readonly InvoiceCommand[], revision: (cycleId: string) => bigint) =>
    [...new Set(commands.flatMap((c) => (c.type === 'RequestInvoice' ? c.billed.map((b) => b.cycleId as string) : [])))].map((cycleId) => ({
      streamName: cycleStreamName(cycleId),
      expectedRevision: revision(cycleId),
    }));
  const handleChunk = async (chunk: readonly InvoiceCommand[], revision: (cycleId: string) => bigint) => {
    const results = await handler.handleBatch(chunk, { conditions: conditionsOf(chunk, revision) });
    results.forEach((r, j) => {
      const c = chunk[j]!;
      if (r.status === 'applied') books.set(c.contractId, r.state);
      if (r.status === 'rejected') report.rejected.push({ invoiceId: c.invoiceId, error: r.error });
    });
    return results.filter((r) => r.status === 'applied').length;
  };
  const movedCycle = (e: unknown) => e instanceof WrongExpectedRevisionError && cycleIdOfStream(e.streamName) !== null;
  /** One contract's invoices, computed again from its cycles as they are now when one moved. */
  const handleContract = async (contractId: string, commands: readonly InvoiceCommand[]): Promise<number> => {
    let attempt = commands;
    let revision = revisionOf;
    for (let tries = 0; ; tries++) {
      try {
        return await handleChunk(attempt, revision);
      } catch (e) {
        if (!movedCycle(e) || tries >= 3) throw e;
      }
      const fresh = await Promise.all((cyclesOf.get(contractId) ?? []).map((c) => loadCycle(store, c.bill!.cycleId)));
      const counts = new Map(fresh.map((c) => [c.bill!.cycleId as string, c.eventCount]));
      revision = (cycleId) => BigInt((counts.get(cycleId) ?? 0) - 1);
      const state = books.get(contractId) ?? initialInvoiceState();
      attempt = proposals(rules, portfolio.contracts.get(contractId)!, fresh.sort(byStart), state, onRequest, []).map(decode);
    }
  };
  const redone = new Set<string>();
  for (let i = 0; i < requests.length; i += batchSize) {
    // A contract computed anew had all its invoices asked for then: later chunks skip it.
    const chunk = requests.slice(i, i + batchSize).filter((c) => !redone.has(c.contractId));
    if (chunk.length === 0) continue;
    try {
      report.requested += await handleChunk(chunk, revisionOf);
    } catch (e) {
      if (!movedCycle(e)) throw e;
      for (const contractId of new Set(chunk.map((c) => c.contractId as string))) {
        report.requested += await handleContract(
          contractId,
          requests.filter((c) => c.contractId === contractId),
        );
        redone.add(contractId);
      }
    }
  }

  // Issue what waits for the issuer, contract by contract, in the order it was asked for.
  const answers: InvoiceCommand[] = [];
  const answered: { fact: InvoiceFact; answer: IssuerAnswer }[] = [];
  for (const [contractId, state] of books) {
    for (const f of state.invoices) {
      if (f.status !== 'requested') continue;
      const original = f.originalInvoiceId === null ? null : invoiceOf(state, f.originalInvoiceId);
      let answer: IssuerAnswer;
      try {
        answer = await issuer.issue({
          invoiceId: f.invoiceId,
          contractId,
          kind: f.kind,
          original: original?.issued ? { invoiceId: original.invoiceId, officialNumber: original.issued.officialNumber } : null,
          series: rules.series,
          issuedOn,
          currency: f.requested.currency,
          buyer: f.requested.buyer,
          lines: f.requested.lines,
          amountMinor: f.requested.amountMinor,
          taxMinor: f.requested.taxMinor,
        });
      } catch (e) {
        report.noAnswer.push({ invoiceId: f.invoiceId, error: e instanceof Error ? e.message : String(e) });
        continue;
      }
      const base = { contractId, invoiceId: f.invoiceId, issuer: issuer.name };
      answers.push(
        decode(
          answer.status === 'issued'
            ? { type: 'RecordInvoiceIssued', commandId: `${f.invoiceId}/issued`, ...base, officialNumber: answer.officialNumber, issuedOn }
            : {
                type: 'RecordInvoiceRefused',
                commandId: `${f.invoiceId}/refused`,
                ...base,
                refusalCode: answer.code,
                reason: answer.reason,
              },
        ),
      );
      answered.push({ fact: f, answer });
    }
  }
  (await handleAll(answers)).forEach((applied, i) => {
    if (!applied) return;
    const { fact: f, answer } = answered[i]!;
    if (answer.status === 'issued')
      report.issued.push({
        invoiceId: f.invoiceId,
        contractId: f.requested.contractId,
        kind: f.kind,
        officialNumber: answer.officialNumber,
        amountMinor: f.requested.amountMinor,
        taxMinor: f.requested.taxMinor,
      });
    else report.refused.push({ invoiceId: f.invoiceId, code: answer.code, reason: answer.reason });
  });
  return report;
};
