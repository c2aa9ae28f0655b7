// `renewal reconcile FILE` and `renewal reconcile resolve`: a provider's or a bank's statement
// against the ledger (@renewal-ledger/reconciliation), recorded as a reconciliation named by the
// file's sha256; each difference is settled later by a resolution of its own (docs/reconciliation.md).
import { createWriteStream } from 'node:fs';
import {
  decodeReconciliationCommand,
  formatProblem,
  PAYMENT_CHANNELS,
  RESOLUTIONS,
  reconciliationDecider,
  STATEMENT_SOURCES,
  type Difference,
  type PaymentChannel,
  type StatementReconciledData,
  type StatementSource,
} from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { parseBankMapping, reconcileStatement, StatementFormatError, type ReconciliationReport } from '@renewal-ledger/reconciliation';
import { openStore } from '@renewal-ledger/stores';
import * as E from 'fp-ts/lib/Either.js';
import { dateOf, formatOf, nonNegativeBigIntOf, onePositional, parse } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { accessOf, actorOf as whoActs } from '../actor.js';
import { clockNow } from '../ledger.js';
import { amount, print, printJson, table } from '../output.js';
import { storeUrlOf } from '../session.js';

const actorOf = (given: string | undefined): string => given ?? process.env.USER ?? 'renewal-cli';
/** Differences printed in the table; `--differences FILE` has every one. */
const SHOWN = 50;

const oneOf = <V extends string>(name: string, flag: string, value: string | undefined, allowed: readonly V[], what: string): V => {
  if (value === undefined) throw new UsageError(`${flag} is missing: ${what} (${allowed.join(', ')})`, name);
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} takes ${allowed.join(', ')}; got ${JSON.stringify(value)}`, name);
  return value as V;
};

const describeDifference = (d: Difference, currency: string): string => {
  const money = (m: number) => amount(m, currency);
  switch (d.kind) {
    case 'missing-in-ledger':
      return `in the statement, not in the ledger: ${money(d.amountMinor)} ${d.direction}`;
    case 'missing-in-statement':
      return `in the ledger (${d.ledgerId}), not in the statement: ${money(d.amountMinor)} ${d.direction}`;
    case 'amount':
      return `statement ${money(d.amountMinor)}, ledger ${money(d.ledgerAmountMinor ?? 0)} (${d.ledgerId})`;
    case 'date':
      return `statement ${d.day}, ledger ${d.ledgerDay} (${d.ledgerId})`;
  }
};

export const renderReconciliation = (r: StatementReconciledData, status: ReconciliationReport['status'] | null): string => {
  const c = r.counts;
  const f = r.figures;
  const money = (m: number) => amount(m, r.currency);
  const differences = c.missingInLedger + c.missingInStatement + c.amountDifferences + c.dateDifferences;
  const head = [
    `${r.fileName} (${r.source}, channel ${r.channel}, ${r.from === r.to ? r.from : `${r.from} to ${r.to}`}), sha256 ${r.sha256}`,
    status === 'already-reconciled'
      ? `  already reconciled by ${r.actor} at ${r.at}: nothing changed`
      : `  reconciled by ${r.actor} at ${r.at}, tolerance ${r.toleranceDays} day(s)`,
  ];
  const summary = table(
    ['figure', 'lines', 'amount'],
    [
      ['statement payments', '', money(f.statementPaymentsMinor)],
      ['statement refunds', '', money(f.statementRefundsMinor)],
      ['provider fees', c.linesWithFees, money(f.feesMinor)],
      ['ledger payments', '', money(f.ledgerPaymentsMinor)],
      ['ledger refunds', '', money(f.ledgerRefundsMinor)],
      ['matched', c.matched, money(f.matchedMinor)],
      ['in the statement, not in the ledger', c.missingInLedger, money(f.missingInLedgerMinor)],
      ['in the ledger, not in the statement', c.missingInStatement, money(f.missingInStatementMinor)],
      ['amount differences (statement - ledger)', c.amountDifferences, money(f.amountDifferenceMinor)],
      ['date differences', c.dateDifferences, ''],
    ],
  );
  const list =
    differences === 0
      ? 'No differences: the day is closed.'
      : `Differences (${differences}${r.differences.length < differences ? `, ${r.differences.length} recorded` : ''})\n${table(
          ['key', 'kind', 'reference', 'what'],
          r.differences.slice(0, SHOWN).map((d) => [d.key, d.kind, d.reference ?? '-', describeDifference(d, r.currency)]),
        )}${r.differences.length > SHOWN ? `\n... ${r.differences.length - SHOWN} more (--format json or --differences FILE)` : ''}`;
  return [...head, summary, list].join('\n');
};

const RECONCILE = 'reconcile';
export const reconcileCommand: Command = {
  name: RECONCILE,
  summary: "reconcile a provider's or bank's statement file against the ledger (recorded once per file)",
  common: true,
  help: `usage: renewal reconcile FILE --source alipay|wechat-pay|bank (--date DATE | --from DATE --to DATE)
         [--tolerance-days N] [--channel CHANNEL] [--columns MAPPING --zone ZONE --currency CODE]
         [--encoding utf-8|gb18030] [--differences OUT.jsonl] [--actor NAME] [--store URL] [--format table|json]

Reads the statement line by line (any size, in bounded memory) and matches each line to the
ledger's payments and refunds of the channel: by reference first (the merchant order number, the
provider's transaction id, the refund number), then by amount and business day within the
tolerance, days counted in the ledger's zone. Reports what matched; money in the statement the
ledger never recorded (with the RecordPayment that would record it); money the ledger recorded
that the statement does not show; amount and date differences; the provider's fees. The result is
recorded (StatementReconciled: who, the file and its sha256, counts, figures, the differences) so
an auditor sees each day closed; the same file again changes nothing.

  --source S          alipay (业务明细 bill), wechat-pay (交易账单 ALL), bank (a CSV with --columns)
  --date DATE         the statement's day; or --from DATE --to DATE for several days
  --tolerance-days N  days a line may be from the ledger's day and still match (default 1)
  --channel C         the ledger channel (default: alipay, wechat-pay, bank-transfer)
  --columns MAPPING   bank: date=COL,amount=COL,reference=COL[,bankRef=COL][,fee=COL]
  --zone ZONE         bank: the zone its times are in (default Asia/Shanghai)
  --currency CODE     bank: the statement's currency (default CNY)
  --encoding E        utf-8 (default) or gb18030 (Alipay's own download)
  --differences OUT   write every difference, with its proposed command, as JSON lines
  --actor NAME        who reconciles (default: $USER)`,
  async run(argv) {
    const { values, positionals } = parse(RECONCILE, argv, {
      source: { type: 'string' },
      date: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'tolerance-days': { type: 'string' },
      channel: { type: 'string' },
      columns: { type: 'string' },
      zone: { type: 'string' },
      currency: { type: 'string' },
      encoding: { type: 'string' },
      differences: { type: 'string' },
      actor: { type: 'string' },
    });
    const file = onePositional(RECONCILE, positionals, 'the statement file');
    const format = formatOf(RECONCILE, values.format, ['table', 'json']);
    const source = oneOf<StatementSource>(RECONCILE, '--source', values.source, STATEMENT_SOURCES, 'where the statement comes from');
    const fromText = values.date ?? values.from;
    if (fromText === undefined) throw new UsageError("--date is missing: the statement's day, YYYY-MM-DD (or --from and --to)", RECONCILE);
    const from = dateOf(RECONCILE, values.date ? '--date' : '--from', fromText);
    const to = values.to !== undefined ? dateOf(RECONCILE, '--to', values.to) : from;
    const toleranceDays =
      values['tolerance-days'] === undefined ? 1 : Number(nonNegativeBigIntOf(RECONCILE, '--tolerance-days', values['tolerance-days']));
    const channel =
      values.channel === undefined
        ? undefined
        : oneOf<PaymentChannel>(RECONCILE, '--channel', values.channel, PAYMENT_CHANNELS, 'the ledger channel');
    const encoding =
      values.encoding === undefined
        ? undefined
        : oneOf(RECONCILE, '--encoding', values.encoding, ['utf-8', 'gb18030'] as const, 'the file encoding');
    let bank: { mapping: ReturnType<typeof parseBankMapping>; zone: string; currency: string } | undefined;
    if (source === 'bank') {
      if (values.columns === undefined)
        throw new UsageError('--columns is missing: a bank statement needs date=COL,amount=COL,reference=COL', RECONCILE);
      try {
        bank = { mapping: parseBankMapping(values.columns), zone: values.zone ?? 'Asia/Shanghai', currency: values.currency ?? 'CNY' };
      } catch (e) {
        throw new UsageError((e as Error).message, RECONCILE);
      }
    }
    const out = values.differences === undefined ? null : createWriteStream(values.differences);
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const at = clockNow();
      // Once the ledger has users, whoever reconciles must be one of them, in a role that may.
      const who = await whoActs(store, RECONCILE, values.actor);
      const report = await reconcileStatement({
        store,
        handler: getCommandHandler(reconciliationDecider, { store, clock: () => at, ...accessOf(who) }),
        file,
        source,
        from,
        to,
        toleranceDays,
        actor: who.actor ?? actorOf(values.actor),
        at,
        ...(channel ? { channel } : {}),
        ...(bank ? { bank } : {}),
        ...(encoding ? { encoding } : {}),
        ...(out ? { onDifference: (difference, proposal) => out.write(`${JSON.stringify({ difference, proposal })}\n`) } : {}),
      }).catch((e: unknown) => {
        if (e instanceof StatementFormatError) throw new CliError(e.message);
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`cannot read ${file}: no such file`, RECONCILE);
        throw e;
      });
      if (format === 'json') printJson({ status: report.status, reconciliation: report.reconciliation });
      else print(renderReconciliation(report.reconciliation, report.status));
      return 0;
    } finally {
      if (out) await new Promise((done) => out.end(done));
      await store.close();
    }
  },
};

const RESOLVE = 'reconcile resolve';
export const resolveCommand: Command = {
  name: RESOLVE,
  summary: 'record how a reconciliation difference was settled',
  common: true,
  help: `usage: renewal reconcile resolve SHA256 KEY --resolution R --note TEXT [--actor NAME] [--store URL] [--format table|json]

Records a DifferenceResolved on the reconciliation of the statement with that sha256 (renewal
reconcile prints it): the difference KEY (line-N, payment:..., refund:...) and how it was settled.
Each difference is resolved once; the same resolution again changes nothing.

  --resolution R  ${RESOLUTIONS.join(', ')}
  --note TEXT     what was done (a payment id recorded, the provider's answer)
  --actor NAME    who resolves it (default: $USER)`,
  async run(argv) {
    const { values, positionals } = parse(RESOLVE, argv, {
      resolution: { type: 'string' },
      note: { type: 'string' },
      actor: { type: 'string' },
    });
    if (positionals.length !== 2) throw new UsageError('expected the statement sha256 and the difference key', RESOLVE);
    const [sha256, differenceKey] = positionals as [string, string];
    const format = formatOf(RESOLVE, values.format, ['table', 'json']);
    if (values.note === undefined) throw new UsageError('--note is missing: what was done to settle it', RESOLVE);
    const at = clockNow();
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const who = await whoActs(store, RESOLVE, values.actor);
      const command = decodeReconciliationCommand({
        type: 'ResolveDifference',
        commandId: `resolve:${sha256}:${differenceKey}:${at}`,
        sha256,
        actor: who.actor ?? actorOf(values.actor),
        at,
        differenceKey,
        resolution: values.resolution,
        note: values.note,
      });
      if (E.isLeft(command)) throw new UsageError(command.left.problems.map(formatProblem).join('; '), RESOLVE);
      const r = await getCommandHandler(reconciliationDecider, { store, clock: () => at, ...accessOf(who) }).handle(command.right);
      if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
      const figures = r.status === 'applied' ? r.figures : null;
      if (format === 'json') printJson({ status: r.status, ...(figures ? { reconciliation: figures } : {}) });
      else
        print(
          r.status === 'applied'
            ? `${differenceKey}: ${values.resolution}. Open differences: ${figures!.open} of ${figures!.differences}`
            : `${differenceKey}: already resolved so; nothing changed`,
        );
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const reconcileCommands: readonly Command[] = [reconcileCommand, resolveCommand];
