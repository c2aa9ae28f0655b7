// `renewal audit ...`: for an auditor. Verify the hash chain against the event store (and seals
// kept outside the system), show a cycle's history and its state at a past time, export the
// trail, issue a seal.
import { readFile, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { cycleStreamName } from '@renewal-ledger/core';
import { openStore } from '@renewal-ledger/stores';
import {
  cycleAsOf,
  cycleHistory,
  exportAuditCsv,
  exportAuditJsonLines,
  findAuditHash,
  sealAuditChain,
  verifyAuditChain,
  type AuditSeal,
  type AuditVerification,
  type PointInTime,
} from '@renewal-ledger/projection-audit';
import { formatOf, idOf, nonNegativeBigIntOf, noPositionals, onePositional, parse, pointInTimeOf, type PointGiven } from '../args.js';
import { readLedger } from '../ledger.js';
import type { Command } from '../command.js';
import { CliError, fileProblem, UsageError } from '../errors.js';
import { amount, count, csvBom, money, print, printJson, table } from '../output.js';
import { progress } from '../progress.js';
import { catchUp, openSession, READ_AUDIT, storeUrlOf, type Session } from '../session.js';
import { auditJson, renderLateEntries } from '../reports.js';
import { noCycle, requireCycle } from '../lookups.js';

const HASH = /^[0-9a-f]{64}$/i;

const isSeal = (v: unknown): v is AuditSeal =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as AuditSeal).position === 'string' &&
  /^\d+$/.test((v as AuditSeal).position) &&
  typeof (v as AuditSeal).hash === 'string' &&
  HASH.test((v as AuditSeal).hash) &&
  Number.isSafeInteger((v as AuditSeal).entries);

/** Seals from JSON text: one seal, an array of seals, or one seal per line. */
const sealsFromJson = (text: string): AuditSeal[] | null => {
  const tryParse = (s: string): unknown => {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  const whole = tryParse(text);
  const values =
    whole !== undefined
      ? Array.isArray(whole)
        ? whole
        : [whole]
      : text
          .split(/\r?\n/)
          .filter((l) => l.trim())
          .map(tryParse);
  const seals = values.map((v) => (isSeal(v) ? v : (v as { seal?: unknown })?.seal)).filter(isSeal);
  return seals.length === values.length && seals.length > 0 ? seals : null;
};

/**
 * `--seal` takes the hash alone, a seal's JSON as `renewal audit seal --format json` prints it,
 * or a file holding seals. A bare hash is looked up in the chain: its position and entry count
 * come from there, so the check is that the chain still passes through that hash.
 */
const resolveSeals = async (
  command: string,
  session: Session,
  given: readonly string[],
): Promise<{ seals: AuditSeal[]; missing: string | null }> => {
  const seals: AuditSeal[] = [];
  for (const g of given) {
    const text = g.trim();
    if (HASH.test(text)) {
      const found = await findAuditHash(session.views, text);
      if (!found) return { seals, missing: text };
      seals.push({
        position: found.position.toString(),
        hash: found.hash,
        entries: found.entries,
        sealedAt: 'given on the command line',
      });
      continue;
    }
    const inline = text.startsWith('{') || text.startsWith('[') ? sealsFromJson(text) : null;
    if (inline) {
      seals.push(...inline);
      continue;
    }
    let content: string;
    try {
      if (!(await stat(text)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      content = await readFile(text, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT')
        throw new UsageError(
          `--seal takes a 64-character hash, a seal's JSON, or a file of seals; ${JSON.stringify(g)} is none of these`,
          command,
        );
      throw fileProblem(text, e);
    }
    const fromFile = sealsFromJson(content);
    if (!fromFile)
      throw new UsageError(
        `${text} holds no seals (expected JSON like {"position":"41","hash":"...","entries":41,"sealedAt":"..."})`,
        command,
      );
    seals.push(...fromFile);
  }
  return { seals, missing: null };
};

/** Late entries among the entries verified: said apart from the chain's verdict, as they are not tampering. */
const lateText = (v: AuditVerification): string =>
  v.lateEntries.length === 0 ? '' : `\n\n${renderLateEntries(v.lateEntries)} (not tampering: docs/auditing.md, "Late entries").`;

const verifyText = (v: AuditVerification): string => chainText(v) + lateText(v);

const chainText = (v: AuditVerification): string => {
  if (!v.ok) {
    const p = v.problem!;
    return `Audit chain BROKEN at position ${p.position} (${p.kind}): ${p.reason}.\n  ${count(v.entries)} entries verified before it${v.head ? `; the last good entry is position ${v.head.position}, hash ${v.head.hash}` : ''}.`;
  }
  // How far the chain reaches, in positions: a store's positions may have gaps (PostgreSQL), so
  // no count of the events past it is claimed.
  const reaches = v.head ? v.head.position : -1n;
  return [
    `Audit chain verified: ${count(v.entries)} entries, each matching its hash, its predecessor and the event in the store.`,
    v.head ? `  head: position ${v.head.position}, hash ${v.head.hash}` : '  the chain is empty',
    v.sealsMatched > 0 ? `  seals matched: ${v.sealsMatched}` : '',
    v.storeHead > reaches
      ? `  the store's newest event is at position ${v.storeHead}: ${v.head ? `the events after position ${v.head.position}` : 'its events'} are not audited yet`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
};

const verifyWithProgress = async (session: Session, seals: readonly AuditSeal[]) => {
  const head = await session.store.headPosition();
  const bar = progress('verifying', head < 0n ? 0 : Number(head), { mode: 'lazy' });
  const v = await verifyAuditChain(session.views, session.store, { seals, onProgress: (n) => bar.update(n) });
  bar.finish();
  return v;
};

const verifyCommand: Command = {
  name: 'audit verify',
  summary: 'check the audit hash chain against the event store (and seals)',
  common: true,
  help: `usage: renewal audit verify [--seal HASH|JSON|FILE ...] [--format table|json]

Catches the audit view up, then checks every entry in order: it matches its own hash, its
prevHash is the hash of the entry before, and it matches the event as the store holds it now.
The first entry that fails is named by its position and kind (entry-altered, chain-broken,
event-altered, event-missing, entry-missing, event-unreadable, seal-mismatch, chain-truncated:
the chain ends before the position the audit view says it audited). The audit trail is built by
renewal projections rebuild or follow: verifying one never built is exit 1.

It also lists the late entries among those verified: entries recorded after a period was closed
(renewal close --period) but dated inside it, with the period, when it was closed, the entry's
position, stream, type, business day and when it was recorded. They are not tampering (the exit
status does not change): the figures the closing recorded no longer hold for them.

  --seal S   a seal kept outside the system: the 64-character hash (the chain must still pass
             through it), the JSON printed by \`renewal audit seal --format json\`, or a file of
             such seals. May be given more than once.

Exit status: 0 when the chain holds (late entries or not), 1 when it is broken (the first bad
position is printed).`,
  async run(argv) {
    const { values, positionals } = parse('audit verify', argv, { seal: { type: 'string', multiple: true } });
    noPositionals('audit verify', positionals);
    const format = formatOf('audit verify', values.format, ['table', 'json']);
    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: READ_AUDIT });
    try {
      await catchUp(session, { only: ['audit'] });
      const { seals, missing } = await resolveSeals('audit verify', session, (values.seal as string[] | undefined) ?? []);
      let v = await verifyWithProgress(session, seals);
      if (missing && v.ok)
        v = {
          ...v,
          ok: false,
          problem: {
            kind: 'seal-mismatch',
            position: v.head?.position ?? -1n,
            reason: `no entry of the chain has the sealed hash ${missing}: history up to the seal was rewritten, or the seal is of another ledger`,
          },
        };
      if (format === 'json') printJson(auditJson(v));
      else print(verifyText(v));
      return v.ok ? 0 : 1;
    } finally {
      await session.close();
    }
  },
};

const sealCommand: Command = {
  name: 'audit seal',
  summary: 'verify the chain and print a seal of its head to keep outside the system',
  common: true,
  help: `usage: renewal audit seal [--format table|json]

Verifies the chain (as \`renewal audit verify\`) and, when it holds, prints a seal: the position,
hash and entry count of its head and when it was sealed. Keep it outside the system (print it,
mail it, sign it); later, \`renewal audit verify --seal '<the JSON>'\` proves that nothing up to
that position was rewritten, even by someone who recomputed the whole chain.

Exit status: 0 with a seal, 1 when the chain is broken (no seal is issued).`,
  async run(argv) {
    const { values, positionals } = parse('audit seal', argv, {});
    noPositionals('audit seal', positionals);
    const format = formatOf('audit seal', values.format, ['table', 'json']);
    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: READ_AUDIT });
    try {
      await catchUp(session, { only: ['audit'] });
      const { verification, seal } = await sealAuditChain(session.views, session.store);
      if (!seal) {
        if (format === 'json') printJson({ seal: null, verification: auditJson(verification) });
        else print(verification.ok ? 'The audit chain is empty: nothing to seal.' : `${verifyText(verification)}\nNo seal issued.`);
        return 1;
      }
      // One line: seals are kept as JSON lines (`>> seals.jsonl`).
      if (format === 'json') print(JSON.stringify(seal));
      else
        print(
          `Seal of the audit chain at position ${seal.position} (${count(seal.entries)} entries verified), ${seal.sealedAt}:\n${JSON.stringify(seal)}\nKeep it outside the system; check it later with: renewal audit verify --seal '${JSON.stringify(seal)}'`,
        );
      return 0;
    } finally {
      await session.close();
    }
  },
};

const exportCommand: Command = {
  name: 'audit export',
  summary: 'export the audit trail as JSON lines or CSV',
  common: true,
  help: `usage: renewal audit export [--format jsonl|csv] [--cycle ID] [--output FILE]

Writes every audit entry in chain order: JSON lines (default; each line the canonical JSON of the
entry with prevHash and hash, checkable on its own) or CSV (a header, then one row per entry;
data as canonical JSON; text a spreadsheet would run as a formula starts with an apostrophe). The
audit view is caught up first; one that was never built is exit 1 (nothing to export).

  --cycle ID     only the entries of one cycle (the links then skip other cycles' entries)
  --output FILE  write to a file instead of standard output`,
  async run(argv) {
    const { values, positionals } = parse('audit export', argv, { cycle: { type: 'string' }, output: { type: 'string', short: 'o' } });
    noPositionals('audit export', positionals);
    const format = values.format ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'csv')
      throw new UsageError(`--format takes jsonl or csv; got ${JSON.stringify(format)}`, 'audit export');
    const cycleId = values.cycle === undefined ? undefined : idOf('audit export', '--cycle', values.cycle);
    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: READ_AUDIT });
    try {
      if (cycleId !== undefined) await requireCycle(session.store, cycleId);
      await catchUp(session, { only: ['audit'], required: ['audit'] });
      const query = cycleId === undefined ? {} : { stream: cycleStreamName(cycleId) };
      const lines =
        format === 'csv'
          ? exportAuditCsv(session.views, session.store, query, { bom: csvBom() })
          : exportAuditJsonLines(session.views, session.store, query);
      const out = values.output ? createWriteStream(values.output) : process.stdout;
      if (values.output)
        await once(out, 'open').catch((e: unknown) =>
          Promise.reject(new CliError(`cannot write ${values.output}: ${(e as Error).message}`, 2)),
        );
      let n = 0;
      for await (const line of lines) {
        if (!out.write(line)) await once(out, 'drain');
        n += 1;
      }
      if (values.output) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`wrote ${count(format === 'csv' ? n - 1 : n)} entries to ${values.output}\n`);
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};

const historyCommand: Command = {
  name: 'audit history',
  summary: "a cycle's events, and its state as of a past time",
  common: true,
  help: `usage: renewal audit history <cycleId> [--as-of TIME | --known-at TIME | --position N] [--format table|json]

Every event of the cycle, oldest first, with who, when and the balance after it, read from the
event store. With a point in the past, the cycle's figures and aging as they stood then:

  --as-of TIME     business time: every fact that had happened by then, including facts
                   recorded later (an offline payment entered days after it was taken)
  --known-at TIME  recorded time: what the books said then (events recorded by then)
  --position N     every event at or before global position N

TIME is a date YYYY-MM-DD (the end of that business day, in the ledger's time zone) or a
timestamp with Z or an offset: 2026-05-29T09:30:00Z, 2026-05-29T17:30:00+08:00.
--as-of and --known-at may be combined: what had happened by one time, as known at another.`,
  async run(argv) {
    const { values, positionals } = parse('audit history', argv, {
      'as-of': { type: 'string' },
      'known-at': { type: 'string' },
      position: { type: 'string' },
    });
    const cycleId = idOf('audit history', 'the cycle id', onePositional('audit history', positionals, 'the cycle id'));
    const format = formatOf('audit history', values.format, ['table', 'json']);
    if (values.position !== undefined && (values['as-of'] !== undefined || values['known-at'] !== undefined))
      throw new UsageError('--position goes alone: give either --position or --as-of/--known-at', 'audit history');
    const asOfGiven = values['as-of'] === undefined ? null : pointInTimeOf('audit history', '--as-of', values['as-of']);
    const knownAtGiven = values['known-at'] === undefined ? null : pointInTimeOf('audit history', '--known-at', values['known-at']);
    const position = values.position === undefined ? null : nonNegativeBigIntOf('audit history', '--position', values.position);
    // History reads the event store only: no views needed.
    const store = await openStore(storeUrlOf(values.store), { create: false, readOnly: true });
    try {
      // A date means the end of that business day, in the ledger's zone.
      const ledger = await readLedger(store, {
        daysFromInstants: (asOfGiven !== null && 'date' in asOfGiven) || (knownAtGiven !== null && 'date' in knownAtGiven),
      });
      const resolve = (p: PointGiven) => ('date' in p ? ledger.endOfDay(p.date) : p.instant);
      const point: PointInTime | null =
        asOfGiven === null && knownAtGiven === null && position === null
          ? null
          : {
              ...(asOfGiven ? { at: resolve(asOfGiven) } : {}),
              ...(knownAtGiven ? { knownAt: resolve(knownAtGiven) } : {}),
              ...(position !== null ? { position } : {}),
              ...(asOfGiven && 'date' in asOfGiven
                ? { agingDate: asOfGiven.date }
                : knownAtGiven && 'date' in knownAtGiven
                  ? { agingDate: knownAtGiven.date }
                  : {}),
            };
      const lines = await cycleHistory(store, cycleId);
      if (lines.length === 0) throw noCycle(cycleId);
      const asOf = point ? await cycleAsOf(store, cycleId, point) : null;
      const inPicture = (l: (typeof lines)[number]) =>
        !point ||
        ((point.at === undefined || (l.at !== null && Date.parse(l.at) <= Date.parse(point.at))) &&
          (point.knownAt === undefined || Date.parse(l.recordedAt) <= Date.parse(point.knownAt)) &&
          (point.position === undefined || l.position <= point.position));
      if (format === 'json') {
        printJson({
          cycleId,
          point: point ? { at: point.at ?? null, knownAt: point.knownAt ?? null, position: point.position?.toString() ?? null } : null,
          ...(asOf
            ? {
                figures: asOf.figures,
                aging: asOf.aging,
                events: asOf.events,
                excluded: asOf.excluded,
                lastPosition: asOf.lastPosition?.toString() ?? null,
              }
            : {}),
          history: lines.map((l) => ({
            position: l.position.toString(),
            revision: l.revision.toString(),
            type: l.type,
            at: l.at,
            recordedAt: l.recordedAt,
            actor: l.actor,
            role: l.role,
            commandId: l.commandId,
            text: l.text,
            outstandingAfterMinor: l.outstandingAfterMinor,
            inPicture: inPicture(l),
          })),
        });
        return 0;
      }
      const out: string[] = [];
      if (asOf && point) {
        const show = (given: PointGiven | null, i: string) =>
          given && 'date' in given
            ? `${given.date} (end of day, ${ledger.zones.spans.length === 1 ? ledger.defaults.timeZone : 'ledger time'})`
            : i;
        const when = [
          point.at ? `as of ${show(asOfGiven, point.at)}` : '',
          point.knownAt ? `as known at ${show(knownAtGiven, point.knownAt)}` : '',
          point.position !== undefined ? `as of position ${point.position}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        const f = asOf.figures;
        const currency = asOf.state.bill?.currency;
        out.push(`Cycle ${cycleId} ${when}: ${asOf.events} of ${asOf.events + asOf.excluded} events`);
        out.push(
          table(
            ['billed', 'due', 'paid', 'refunded', 'outstanding', 'disputed', 'collectible'],
            [
              [f.totalMinor, f.dueMinor, f.paidMinor, f.refundedMinor, f.outstandingMinor, f.openDisputedMinor, f.collectibleMinor].map(
                (n) => amount(n, currency),
              ),
            ],
          ),
        );
        if (asOf.aging)
          out.push(
            `  on ${asOf.aging.asOf}: overdue ${money(asOf.aging.overdueMinor, currency)}, ${asOf.aging.daysPastDue} days past due (bucket ${asOf.aging.bucket})${asOf.aging.planStatus !== 'none' ? `, instalment plan ${asOf.aging.planStatus}` : ''}`,
          );
        out.push('');
      }
      out.push(`History of ${cycleId}${point ? ' (events outside the picture marked -)' : ''}`);
      for (const l of lines) out.push(`${point ? (inPicture(l) ? '  ' : '- ') : '  '}${l.line}`);
      print(out.join('\n'));
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const auditCommands: readonly Command[] = [verifyCommand, historyCommand, exportCommand, sealCommand];
