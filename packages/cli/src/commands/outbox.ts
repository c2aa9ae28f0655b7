// `renewal outbox list` and `renewal outbox dispatch`: the messages the ledger's facts ask for
// (reminders, payment notices, receipts), and their delivery through the channels
// (docs/reminders-and-notices.md). The outbox is a view of the log, kept beside the other views.
import { loadLedgerSettings } from '@renewal-ledger/eventstore';
import {
  dispatchOutbox,
  getFileChannel,
  getLetterPrinter,
  getOutboxProjection,
  getOutboxView,
  getSmtpChannel,
  recordDeliveryReports,
  type ChannelAdapter,
  type DispatchReport,
  type OutboxStatus,
} from '@renewal-ledger/delivery';
import { getProjectionRunner } from '@renewal-ledger/projections';
import { openStore } from '@renewal-ledger/stores';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { formatOf, noPositionals, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { actorOf as whoActs } from '../actor.js';
import { UsageError, fileProblem } from '../errors.js';
import { clockNow } from '../ledger.js';
import { count, print, printJson, table } from '../output.js';
import { openViews, storeUrlOf, viewsLocationOf } from '../session.js';

const STATUSES: readonly OutboxStatus[] = ['pending', 'sent', 'undeliverable'];
const KINDS = ['reminder', 'notice', 'receipt'];

const kindsOf = (command: string, given: readonly string[] | undefined): string[] | undefined => {
  if (!given || given.length === 0) return undefined;
  const bad = given.find((k) => !KINDS.includes(k));
  if (bad) throw new UsageError(`--kind ${JSON.stringify(bad)}: one of ${KINDS.join(', ')}`, command);
  return [...given];
};

const LIST = 'outbox list';
export const outboxListCommand: Command = {
  name: LIST,
  summary: 'the messages the facts ask for (reminders, notices, receipts) and how far each got',
  common: true,
  help: `usage: renewal outbox list [--status pending|sent|undeliverable] [--kind reminder|notice|receipt] [--limit N] [--format table|json]

The outbox is brought up to date with the store first (a view beside the others). Each message:
its id, kind, contract, the channels it is tried on in order, its status and the channel it went
out on, the channels that bounced or failed. Without --status, a count per kind and status
follows the list.

  --status S     only pending, sent or undeliverable messages
  --kind K       only reminders, notices or receipts
  --limit N      at most N messages (default 50)`,
  async run(argv) {
    const { values, positionals } = parse(LIST, argv, { status: { type: 'string' }, kind: { type: 'string' }, limit: { type: 'string' } });
    noPositionals(LIST, positionals);
    const format = formatOf(LIST, values.format, ['table', 'json']);
    if (values.status !== undefined && !(STATUSES as readonly string[]).includes(values.status))
      throw new UsageError(`--status ${JSON.stringify(values.status)}: one of ${STATUSES.join(', ')}`, LIST);
    kindsOf(LIST, values.kind === undefined ? undefined : [values.kind]);
    const limit = values.limit === undefined ? 50 : positiveIntOf(LIST, '--limit', values.limit);
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl, { create: false, readOnly: true });
    const views = await openViews(viewsLocationOf(storeUrl, values.views));
    try {
      await getProjectionRunner({ store, database: views, projections: [getOutboxProjection()] }).catchUp();
      const view = getOutboxView(views);
      const rows = await view.list({
        ...(values.status ? { status: values.status as OutboxStatus } : {}),
        ...(values.kind ? { kind: values.kind } : {}),
        limit,
      });
      const counts = await view.counts();
      if (format === 'json') {
        printJson({
          messages: rows.map((r) => ({
            ...r.message,
            channels: r.channels,
            status: r.status,
            sentOn: r.sentOn,
            tried: r.tried,
            position: r.position,
          })),
          counts,
        });
        return 0;
      }
      print(
        rows.length === 0
          ? 'Outbox: no messages'
          : table(
              ['message', 'kind', 'contract', 'day', 'channels', 'status', 'sent on', 'bounced/failed'],
              rows.map((r) => [
                r.message.messageId,
                r.message.kind,
                r.message.contractId,
                r.message.day,
                r.channels.join(' > '),
                r.status,
                r.sentOn ?? '',
                r.tried.join(', '),
              ]),
            ),
      );
      if (!values.status)
        print(
          `\n${table(
            ['kind', 'status', 'messages'],
            counts.map((c) => [c.kind, c.status, count(c.count)]),
          )}`,
        );
      return 0;
    } finally {
      await views.close();
      await store.close();
    }
  },
};

/** The SMTP settings from flags, else $RENEWAL_SMTP_*; none without a host. */
const smtpOf = (command: string, v: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv) => {
  const host = (v['smtp-host'] as string | undefined) ?? (env.RENEWAL_SMTP_HOST || undefined);
  if (!host) return null;
  const portText = (v['smtp-port'] as string | undefined) ?? env.RENEWAL_SMTP_PORT ?? '587';
  const from = (v['smtp-from'] as string | undefined) ?? env.RENEWAL_SMTP_FROM;
  if (!from)
    throw new UsageError('an SMTP host needs a sender: --smtp-from or RENEWAL_SMTP_FROM (Property office <office@example.com>)', command);
  const user = (v['smtp-user'] as string | undefined) ?? (env.RENEWAL_SMTP_USER || undefined);
  const password = env.RENEWAL_SMTP_PASSWORD || undefined;
  return {
    host,
    port: positiveIntOf(command, '--smtp-port', portText),
    from,
    secure: v['smtp-secure'] === true || env.RENEWAL_SMTP_SECURE === '1',
    ...(user ? { user } : {}),
    ...(password ? { password } : {}),
  };
};

export const describeDispatch = (r: DispatchReport): string =>
  `Delivery: ${count(r.messages)} messages: ${count(r.outcomes.sent)} sent, ${count(r.outcomes.bounced)} bounced, ${count(r.outcomes.failed)} failed after retries, ${count(r.fellBack)} went out on a fallback channel, ${count(r.undelivered)} left undelivered${r.letters ? `; letters to print: ${r.letters}` : ''}`;

const DISPATCH = 'outbox dispatch';
export const outboxDispatchCommand: Command = {
  name: DISPATCH,
  summary: 'deliver the pending messages: e-mail over SMTP, SMS and app push to files, letters to print',
  common: true,
  help: `usage: renewal outbox dispatch [--smtp-host H --smtp-from ADDRESS [--smtp-port P] [--smtp-user U] [--smtp-secure]]
                               [--dir DIR] [--kind K ...] [--limit N] [--attempts N] [--backoff-ms MS]
                               [--locale L] [--sender NAME] [--format table|json]

Brings the outbox up to date, then sends each pending message on its channels in order: a
passing failure is tried again after 1x, 2x, 4x ... --backoff-ms, up to --attempts; a bounce
(an address refused for good) or the attempts used up records that outcome and the next channel
is tried (e-mail, then SMS, then a letter, by default). Every outcome is recorded as an event on
the message's delivery stream. A message recorded as sent is never sent again; one whose sending
was cut off before its outcome was recorded is sent again under the same Message-ID (docs/
reminders-and-notices.md, "Never twice"). Run one dispatcher at a time per ledger.

E-mail goes over SMTP when a host is given (else e-mail is passed over for the next channel);
SMS and app push are written as JSON lines to DIR/sms.jsonl and DIR/app.jsonl; the run's letters
as one printable DIR/letters-<time>.html.

  --smtp-host H      the SMTP server (or $RENEWAL_SMTP_HOST); the password only from $RENEWAL_SMTP_PASSWORD
  --smtp-port P      default 587 (or $RENEWAL_SMTP_PORT)
  --smtp-from A      the sender (or $RENEWAL_SMTP_FROM)
  --smtp-user U      (or $RENEWAL_SMTP_USER)
  --smtp-secure      TLS from the start (port 465; or RENEWAL_SMTP_SECURE=1)
  --dir DIR          where SMS, push and letters are written (default ./renewal-outbox, or $RENEWAL_OUTBOX_DIR)
  --kind K           only reminders, notices or receipts (repeatable)
  --limit N          at most N messages this run
  --attempts N       sends per channel before it counts as failed (default 3)
  --backoff-ms MS    the first wait between attempts (default 1000; doubled each time, at most 60 s)
  --locale L         the messages' language (default: the ledger's locale; zh-CN or en)
  --sender NAME      who signs the messages (default: Property office / 物业服务中心)`,
  async run(argv) {
    const env = process.env;
    const { values, positionals } = parse(DISPATCH, argv, {
      'smtp-host': { type: 'string' },
      'smtp-port': { type: 'string' },
      'smtp-from': { type: 'string' },
      'smtp-user': { type: 'string' },
      'smtp-secure': { type: 'boolean' },
      dir: { type: 'string' },
      kind: { type: 'string', multiple: true },
      limit: { type: 'string' },
      attempts: { type: 'string' },
      'backoff-ms': { type: 'string' },
      locale: { type: 'string' },
      sender: { type: 'string' },
    });
    noPositionals(DISPATCH, positionals);
    const format = formatOf(DISPATCH, values.format, ['table', 'json']);
    const kinds = kindsOf(DISPATCH, values.kind);
    const smtp = smtpOf(DISPATCH, values as Record<string, string | boolean | undefined>, env);
    const dir = values.dir ?? (env.RENEWAL_OUTBOX_DIR || './renewal-outbox');
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl, { create: false });
    const views = await openViews(viewsLocationOf(storeUrl, values.views));
    const email = smtp ? getSmtpChannel(smtp) : null;
    try {
      const who = await whoActs(store, DISPATCH, values.actor);
      const locale = values.locale ?? (await loadLedgerSettings(store)).state.opened?.locale ?? 'en';
      const adapters: Partial<Record<'email' | 'sms' | 'app', ChannelAdapter>> = {
        sms: getFileChannel('sms', dir),
        app: getFileChannel('app', dir),
        ...(email ? { email } : {}),
      };
      const report = await dispatchOutbox({
        store,
        database: views,
        adapters,
        printer: getLetterPrinter(dir),
        locale,
        templates: { sender: values.sender ?? (/^zh/i.test(locale) ? '物业服务中心' : 'Property office') },
        retry: {
          ...(values.attempts !== undefined ? { attempts: positiveIntOf(DISPATCH, '--attempts', values.attempts) } : {}),
          ...(values['backoff-ms'] !== undefined ? { baseDelayMs: positiveIntOf(DISPATCH, '--backoff-ms', values['backoff-ms']) } : {}),
        },
        ...(kinds ? { kinds } : {}),
        ...(values.limit !== undefined ? { limit: positiveIntOf(DISPATCH, '--limit', values.limit) } : {}),
        actor: who.actor ?? 'delivery',
        ...(who.access ? { access: { policy: who.access, role: who.role! } } : {}),
        clock: () => clockNow(env),
      });
      if (format === 'json') printJson(report);
      else print(describeDispatch(report));
      return 0;
    } finally {
      email?.close();
      await views.close();
      await store.close();
    }
  },
};

const REPORTS = 'outbox reports';
export const outboxReportsCommand: Command = {
  name: REPORTS,
  summary: "record providers' delivery reports (delivered, or a bounce after sent) from a JSON-lines file",
  common: true,
  help: `usage: renewal outbox reports FILE [--format table|json]

Reads providers' later reports about messages they took (an e-mail DSN, an SMS delivery
receipt), one JSON object a line:

  {"idempotencyKey":"notice:c-1/2026-01#sms","channel":"sms","status":"bounced","at":"2026-01-16T03:00:00Z","reason":"number not in service"}

(messageId instead of idempotencyKey; providerId, when given, must be the one recorded when
sent). "delivered" records MessageDelivered; "bounced" after sent records the bounce on that
channel, and the next \`renewal outbox dispatch\` tries the next channel by the policy. The same
report twice records once. A line that cannot be read or that a rule refuses (not sent on that
channel, delivered already) is listed and changes nothing; the exit status is then 1.`,
  async run(argv) {
    const { values, positionals } = parse(REPORTS, argv, {});
    const format = formatOf(REPORTS, values.format, ['table', 'json']);
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('give one FILE of delivery reports (JSON lines)', REPORTS);
    const handle = await open(file, 'r').catch((e: unknown) => {
      throw fileProblem(file, e);
    });
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl, { create: false }).catch(async (e: unknown) => {
      await handle.close();
      throw e;
    });
    const views = await openViews(viewsLocationOf(storeUrl, values.views));
    try {
      const who = await whoActs(store, REPORTS, values.actor);
      const input = handle.createReadStream({ encoding: 'utf8', autoClose: false });
      const summary = await recordDeliveryReports(createInterface({ input, crlfDelay: Infinity }), {
        store,
        database: views,
        actor: who.actor ?? 'delivery',
        ...(who.access ? { access: { policy: who.access, role: who.role! } } : {}),
        clock: () => clockNow(process.env),
      });
      if (format === 'json') printJson(summary);
      else {
        print(
          `Delivery reports: ${count(summary.reports)} read: ${count(summary.delivered)} delivered, ${count(summary.bounced)} bounced after sent, ${count(summary.duplicates)} recorded already, ${count(summary.refused.length)} refused`,
        );
        for (const r of summary.refused) print(`  line ${r.line}${r.messageId ? ` (${r.messageId} on ${r.channel})` : ''}: ${r.problem}`);
      }
      return summary.refused.length > 0 ? 1 : 0;
    } finally {
      await handle.close();
      await views.close();
      await store.close();
    }
  },
};

export const outboxCommands: readonly Command[] = [outboxListCommand, outboxDispatchCommand, outboxReportsCommand];
