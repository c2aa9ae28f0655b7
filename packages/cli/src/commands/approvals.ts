// `renewal approvals list|approve|reject`: refunds, adjustments and write-offs over their
// requester's limit wait here for a second person (docs/roles-and-approvals.md). Approving moves
// the money in the same decision; rejecting closes the request with nothing moved.
import { decodeCommand, formatProblem, renewalCycle, type RenewalCommand } from '@renewal-ledger/core';
import { getArrearsView } from '@renewal-ledger/projection-arrears';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import * as E from 'fp-ts/lib/Either.js';
import { expireRequests } from '@renewal-ledger/renewals';
import { accessOf, accessPolicyOf, actorOf } from '../actor.js';
import { dateOf, formatOf, idOf, noPositionals, onePositional, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { clockNow, readLedger } from '../ledger.js';
import { money, print, printJson, table } from '../output.js';
import { catchUp, openSession, readViews, storeUrlOf } from '../session.js';

const listCommand: Command = {
  name: 'approvals list',
  summary: 'the refunds, adjustments and write-offs waiting for approval',
  common: true,
  help: `usage: renewal approvals list [--store URL] [--views WHERE] [--format table|json]

Every request waiting for a second person, oldest first: the cycle, the request id (the refund,
adjustment or write-off id), what and how much, the reason, who asked and in which role. No money
has moved for any of them.`,
  async run(argv) {
    const { values, positionals } = parse('approvals list', argv, {});
    noPositionals('approvals list', positionals);
    const format = formatOf('approvals list', values.format, ['table', 'json']);
    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: readViews('arrears') });
    try {
      await readLedger(session.store);
      await catchUp(session, { only: ['arrears'], required: ['arrears'] });
      const pending = await getArrearsView(session.views).pendingApprovals();
      if (format === 'json') printJson({ pending });
      else if (pending.length === 0) print('no requests waiting for approval');
      else
        print(
          table(
            ['cycle', 'request', 'kind', 'amount', 'reason', 'asked by', 'role', 'asked at'],
            pending.map((p) => [
              p.cycleId,
              p.requestId,
              p.kind,
              money(p.amountMinor, p.currency),
              p.reason,
              p.requester,
              p.role,
              p.requestedAt,
            ]),
          ),
        );
      return 0;
    } finally {
      await session.close();
    }
  },
};

const closing = (name: 'approvals approve' | 'approvals reject', type: 'ApproveRequest' | 'RejectRequest'): Command => ({
  name,
  summary: type === 'ApproveRequest' ? 'approve a request: the money moves now' : 'reject a request: nothing moves',
  help: `usage: renewal ${name} <requestId> --cycle CYCLE_ID ${type === 'RejectRequest' ? '--reason TEXT' : '[--note TEXT]'} --actor USER [--store URL]

${
  type === 'ApproveRequest'
    ? 'Approves a request (renewal approvals list): the refund, adjustment or write-off is recorded in\nthe same decision. The requester cannot approve their own request (SELF_APPROVAL); approving\nagain is a duplicate.'
    : 'Rejects a request: it is closed and no money moves.'
}`,
  async run(argv) {
    const { values, positionals } = parse(name, argv, { cycle: { type: 'string' }, note: { type: 'string' }, reason: { type: 'string' } });
    const requestId = idOf(name, 'the request id', onePositional(name, positionals, 'the request id'));
    if (!values.cycle) throw new UsageError('--cycle is missing', name);
    if (type === 'RejectRequest' && !values.reason) throw new UsageError('--reason is missing', name);
    const cycleId = idOf(name, '--cycle', values.cycle);
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const who = await actorOf(store, name, values.actor);
      if (who.actor === null) throw new UsageError('say who you are with --actor USER or RENEWAL_ACTOR', name);
      const decoded = decodeCommand({
        type,
        // The same person deciding the same request again is a retry, whatever the time.
        commandId: `${type === 'ApproveRequest' ? 'approve' : 'reject'}:${requestId}@${cycleId}:${who.actor}`,
        cycleId,
        actor: who.actor,
        at: clockNow(),
        requestId,
        ...(type === 'ApproveRequest' && values.note ? { note: values.note } : {}),
        ...(type === 'RejectRequest' ? { reason: values.reason } : {}),
      });
      if (E.isLeft(decoded)) throw new UsageError(decoded.left.problems.map(formatProblem).join('; '), name);
      const handler = getCommandHandler(renewalCycle, {
        store,
        clock: clockNow,
        ...(who.access ? { access: who.access, role: who.role! } : {}),
      });
      const r = await handler.handle(decoded.right as RenewalCommand);
      if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
      if (r.status === 'duplicate')
        print(
          `request ${requestId} was already ${type === 'ApproveRequest' ? 'approved' : 'rejected'} by ${who.actor} (nothing new written)`,
        );
      else
        print(
          `${type === 'ApproveRequest' ? 'approved' : 'rejected'} request ${requestId} of ${cycleId}: ${r.events.map((e) => e.type).join(', ')}`,
        );
      return 0;
    } finally {
      await store.close();
    }
  },
});

const EXPIRE = 'approvals expire';
const expireCommand: Command = {
  name: EXPIRE,
  summary: 'close the requests whose window has passed (safe to rerun; schedule it daily)',
  help: `usage: renewal approvals expire [--as-of DATE] [--window-days N] [--batch N] [--actor USER] [--store URL] [--format table|json]

Closes with RequestExpired every request still waiting whose window has passed as of the date: a
request asked on day D (its business day in the ledger's time zone) expires on D + N days. Nothing
moves for an expired request. The ids derive from the cycle and the request, so running it again,
or after a run that stopped half-way, closes each request once.

  --as-of DATE       the business day to expire as of, YYYY-MM-DD (default: today in the ledger's time zone)
  --window-days N    days a request waits (default: the access policy's requestExpiryDays, else 14)
  --batch N          expiries per transaction (default 500)

Once the ledger has users, --actor names who runs it (a manager, or a user of role system).
Exit status 1 when an expiry was rejected.`,
  async run(argv) {
    const { values, positionals } = parse(EXPIRE, argv, {
      'as-of': { type: 'string' },
      'window-days': { type: 'string' },
      batch: { type: 'string' },
    });
    noPositionals(EXPIRE, positionals);
    const format = formatOf(EXPIRE, values.format, ['table', 'json']);
    const givenAsOf = values['as-of'] === undefined ? null : dateOf(EXPIRE, '--as-of', values['as-of']);
    const windowDays = values['window-days'] === undefined ? undefined : positiveIntOf(EXPIRE, '--window-days', values['window-days']);
    const batchSize = positiveIntOf(EXPIRE, '--batch', values.batch ?? '500');
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const ledger = await readLedger(store, { daysFromInstants: givenAsOf === null });
      const asOf = givenAsOf ?? ledger.today;
      const who = await actorOf(store, EXPIRE, values.actor);
      const report = await expireRequests({
        store,
        handler: getCommandHandler(renewalCycle, { store, clock: clockNow, ...accessOf(who) }),
        asOf,
        batchSize,
        zones: ledger.zones,
        policy: who.access ?? accessPolicyOf(),
        ...(windowDays !== undefined ? { windowDays } : {}),
        ...(who.actor !== null ? { actor: who.actor } : {}),
      });
      const rejected = report.expiries.rejected.map((r) => ({
        cycleId: r.cycleId,
        commandId: r.commandId,
        code: r.error.code,
        message: r.error.message,
      }));
      const summary = {
        proposed: report.proposed,
        expired: report.expiries.applied,
        alreadyExpired: report.expiries.duplicate,
        rejected: rejected.length,
      };
      if (format === 'json') printJson({ asOf, windowDays: report.windowDays, summary, expired: report.expired, rejected });
      else {
        const lines = [
          `Requests expired as of ${asOf} (window ${report.windowDays} days): ${report.expiries.applied}${report.expiries.duplicate > 0 ? `, ${report.expiries.duplicate} expired already` : ''}`,
        ];
        if (report.expired.length > 0)
          lines.push(
            table(
              ['cycle', 'request', 'kind', 'amount', 'asked by', 'asked at'],
              report.expired.map((e) => [e.cycleId, e.requestId, e.kind, money(e.amountMinor, e.currency), e.requester, e.requestedAt]),
            ),
          );
        for (const r of rejected) lines.push(`rejected ${r.cycleId} (${r.commandId}): ${r.code}: ${r.message}`);
        print(lines.join('\n'));
      }
      return rejected.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};

export const approvalsCommands: readonly Command[] = [
  listCommand,
  closing('approvals approve', 'ApproveRequest'),
  closing('approvals reject', 'RejectRequest'),
  expireCommand,
];
