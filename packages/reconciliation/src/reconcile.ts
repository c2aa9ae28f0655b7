// Reconciling one statement file: its sha256 first (a file reconciled before changes nothing and
// is read no further), then the ledger's entries for the channel and days, then the file line by
// line through the matcher, then one ReconcileStatement through the generic command handler.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  decodeReconciliationCommand,
  MAX_LISTED_DIFFERENCES,
  reconciliationDecider,
  reconciliationStreamName,
  type BusinessDate,
  type Difference,
  type Instant,
  type PaymentChannel,
  type StatementReconciledData,
  type StatementSource,
} from '@renewal-ledger/core';
import { getCommandHandler, readLedgerZones, type CommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { readAlipayStatement } from './alipay-statement.js';
import { readBankStatement, type BankColumnMapping } from './bank-statement.js';
import { LOOKAROUND_DAYS, readLedgerEntries, type LedgerEntry } from './ledger-entries.js';
import { createMatcher } from './matcher.js';
import type { StatementEncoding } from './rows.js';
import type { StatementLine } from './statement-line.js';
import { readWeChatPayStatement } from './wechat-pay-statement.js';

export type ReconciliationHandler = CommandHandler<typeof reconciliationDecider>;

export interface ReconcileOptions {
  readonly store: EventStore;
  /** Default: `getCommandHandler(reconciliationDecider, { store })`. */
  readonly handler?: ReconciliationHandler;
  /** The statement file's path. */
  readonly file: string;
  readonly source: StatementSource;
  /** The ledger channel the statement covers. Default: alipay, wechat-pay, or bank-transfer for a bank. */
  readonly channel?: PaymentChannel;
  /** The statement's first and last business day (a daily bill: the same day). */
  readonly from: BusinessDate;
  readonly to?: BusinessDate;
  /** How many days a line's day may be from the ledger's and still match. Default 1. */
  readonly toleranceDays?: number;
  /** Required for a bank statement: its columns, zone and currency. */
  readonly bank?: { readonly mapping: BankColumnMapping; readonly zone: string; readonly currency: string };
  readonly encoding?: StatementEncoding;
  /** Who reconciles, and when (business time): recorded with the result. */
  readonly actor: string;
  readonly at: Instant;
  /** Every difference as found, with the command that would record a missing payment. */
  readonly onDifference?: (difference: Difference, proposal: ProposedPayment | null) => void;
  /**
   * The ledger's side, when the caller read it already (`readLedgerEntries` over these days and a
   * month around): several statements of one channel then read the store once. Copied, not changed.
   */
  readonly entries?: readonly LedgerEntry[];
  /** The cycle a merchant reference names, when the ledger's references carry it (a provider's out-trade-no). */
  readonly cycleOfReference?: (reference: string) => string | null;
}

/** A RecordPayment, as JSON, for money the statement shows and the ledger does not. */
export type ProposedPayment = Record<string, unknown>;

export interface ReconciliationReport {
  readonly sha256: string;
  readonly fileName: string;
  /** `recorded`: reconciled now; `already-reconciled`: the same file was, and nothing changed. */
  readonly status: 'recorded' | 'already-reconciled';
  readonly reconciliation: StatementReconciledData;
}

/** The sha256 of a file, read as a stream. */
export const sha256OfFile = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

const DEFAULT_CHANNEL: Record<StatementSource, PaymentChannel> = { alipay: 'alipay', 'wechat-pay': 'wechat-pay', bank: 'bank-transfer' };

const linesOf = (options: ReconcileOptions): AsyncGenerator<StatementLine[]> => {
  // 16 KB reads: each a batch of about 70 lines, handled at once and dropped.
  const input = createReadStream(options.file, { highWaterMark: 16 * 1024 });
  const encoding = options.encoding ? { encoding: options.encoding } : {};
  switch (options.source) {
    case 'alipay':
      return readAlipayStatement(input, encoding);
    case 'wechat-pay':
      return readWeChatPayStatement(input, encoding);
    case 'bank':
      if (!options.bank) throw new TypeError('a bank statement needs its column mapping, zone and currency');
      return readBankStatement(input, { ...options.bank, ...encoding });
  }
};

/** The recorded reconciliation of a file, if any. */
export const findReconciliation = async (store: EventStore, sha256: string): Promise<StatementReconciledData | null> => {
  for await (const e of store.readStream(reconciliationStreamName(sha256)))
    if (e.type === 'StatementReconciled') return e.data as StatementReconciledData;
  return null;
};

export const reconcileStatement = async (options: ReconcileOptions): Promise<ReconciliationReport> => {
  const { store } = options;
  const fileName = basename(options.file);
  const sha256 = await sha256OfFile(options.file);
  const earlier = await findReconciliation(store, sha256);
  if (earlier) return { sha256, fileName, status: 'already-reconciled', reconciliation: earlier };

  const channel = options.channel ?? DEFAULT_CHANNEL[options.source];
  const from = options.from;
  const to = options.to ?? options.from;
  const toleranceDays = options.toleranceDays ?? 1;
  const zones = await readLedgerZones(store);
  const entries = options.entries
    ? options.entries.map((e) => ({ ...e, matched: false }))
    : await readLedgerEntries(store, zones, { channel, from, to, lookaroundDays: LOOKAROUND_DAYS });
  // A bank's memo is free text: a bank line may match an entry by amount and day whatever the
  // references say; a provider's ids are exact, so two different ones are two transactions.
  const matcher = createMatcher(entries, zones, { toleranceDays, amountMatchIgnoresReferences: options.source === 'bank' });

  const counts = {
    lines: 0,
    matched: 0,
    missingInLedger: 0,
    missingInStatement: 0,
    amountDifferences: 0,
    dateDifferences: 0,
    linesWithFees: 0,
  };
  const figures = {
    statementPaymentsMinor: 0,
    statementRefundsMinor: 0,
    feesMinor: 0,
    ledgerPaymentsMinor: 0,
    ledgerRefundsMinor: 0,
    matchedMinor: 0,
    missingInLedgerMinor: 0,
    missingInStatementMinor: 0,
    amountDifferenceMinor: 0,
  };
  const listed: Difference[] = [];
  const found = (d: Difference, proposal: ProposedPayment | null) => {
    if (listed.length < MAX_LISTED_DIFFERENCES) listed.push(d);
    options.onDifference?.(d, proposal);
  };
  let currency: string | null = options.bank?.currency ?? null;

  for await (const batch of linesOf(options))
    for (const line of batch) {
      currency ??= line.currency;
      counts.lines++;
      if (line.direction === 'payment') figures.statementPaymentsMinor += line.amountMinor;
      else figures.statementRefundsMinor += line.amountMinor;
      if (line.feeMinor !== 0) {
        counts.linesWithFees++;
        figures.feesMinor += line.feeMinor;
      }
      const outcome = matcher.match(line);
      if (outcome.kind === 'matched') {
        counts.matched++;
        figures.matchedMinor += line.amountMinor;
        continue;
      }
      const d = outcome.difference;
      if (d.kind === 'missing-in-ledger') {
        counts.missingInLedger++;
        figures.missingInLedgerMinor += line.amountMinor;
      } else if (d.kind === 'amount') {
        counts.amountDifferences++;
        figures.amountDifferenceMinor += (line.amountMinor - outcome.entry!.amountMinor) * (line.direction === 'payment' ? 1 : -1);
      } else counts.dateDifferences++;
      found(d, d.kind === 'missing-in-ledger' ? proposalFor(line, channel, options) : null);
    }
  for (const e of entries)
    if (e.day >= from && e.day <= to) {
      if (e.direction === 'payment') figures.ledgerPaymentsMinor += e.amountMinor;
      else figures.ledgerRefundsMinor += e.amountMinor;
    }
  for (const d of matcher.unmatched(from, to)) {
    counts.missingInStatement++;
    figures.missingInStatementMinor += d.amountMinor;
    found(d, null);
  }

  const decoded = decodeReconciliationCommand({
    type: 'ReconcileStatement',
    commandId: `reconcile:${sha256}`,
    sha256,
    actor: options.actor,
    at: options.at,
    source: options.source,
    channel,
    fileName,
    currency: currency ?? 'CNY',
    from,
    to,
    toleranceDays,
    counts,
    figures,
    differences: listed,
  });
  // Every field was built here from checked input, but the actor and dates come from the caller.
  if (E.isLeft(decoded)) throw new TypeError(decoded.left.message);
  const command = decoded.right;
  const handler = options.handler ?? getCommandHandler(reconciliationDecider, { store });
  const result = await handler.handle(command);
  if (result.status === 'rejected') throw new Error(`the reconciliation of ${fileName} was refused: ${result.error.message}`);
  const recorded = await findReconciliation(store, sha256);
  if (!recorded) throw new Error(`the reconciliation of ${fileName} was not found after it was recorded`);
  return { sha256, fileName, status: result.status === 'applied' ? 'recorded' : 'already-reconciled', reconciliation: recorded };
};

/** The payment a clerk would record for money that arrived unrecorded (the cycle, when the reference names it). */
const proposalFor = (line: StatementLine, channel: PaymentChannel, options: ReconcileOptions): ProposedPayment | null => {
  if (line.direction !== 'payment') return null;
  const reference = line.providerRef ?? line.merchantRef;
  const cycleId = (line.merchantRef && options.cycleOfReference?.(line.merchantRef)) ?? null;
  return {
    type: 'RecordPayment',
    commandId: `statement:${channel}:${reference ?? `line-${line.line}`}`,
    cycleId: cycleId ?? '<the cycle it pays>',
    actor: options.actor,
    at: line.at,
    paymentId: `${channel}-${reference ?? `line-${line.line}`}`,
    amountMinor: line.amountMinor,
    channel,
    ...(reference ? { reference } : {}),
  };
};
