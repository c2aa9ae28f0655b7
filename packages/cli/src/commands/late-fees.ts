// `renewal late-fees policy`, `late-fees run`, `late-fees waive`: the late-fee policy in the
// ledger's settings, the run the business schedules (monthly, say) that charges every overdue
// cycle as of a date, and waivers. Every charge's id derives from its cycle and the date, so a run
// repeated, or rerun after one that stopped half-way, charges each cycle once (docs/late-fees.md).
import { readFileSync } from 'node:fs';
import {
  decodeCommand,
  decodeWith,
  formatProblem,
  LateFeePolicyC,
  lateFeeDefaults,
  parseMinor,
  renewalCycle,
  type BusinessDate,
  type LateFeeChargedData,
  type LateFeePolicy,
} from '@renewal-ledger/core';
import { getCommandHandler, loadLedgerSettings } from '@renewal-ledger/eventstore';
import { chargeLateFees, loadCycle } from '@renewal-ledger/renewals';
import { openStore } from '@renewal-ledger/stores';
import * as E from 'fp-ts/lib/Either.js';
import { dateOf, formatOf, idOf, instantOf, noPositionals, onePositional, parse, positiveIntOf } from '../args.js';
import type { Command } from '../command.js';
import { accessOf, actorOf as whoActs } from '../actor.js';
import { CliError, UsageError } from '../errors.js';
import { clockNow, readLedger } from '../ledger.js';
import { amount, count, csv, csvAmount, money, plural, print, printJson, table } from '../output.js';
import { storeUrlOf } from '../session.js';
import { actorOf, record } from './ledger.js';
import { writtenSince } from './engine.js';

/** A policy from a JSON file, every problem named with its path. */
const policyFrom = (command: string, path: string): LateFeePolicy => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read the late-fee policy ${path}: ${(e as Error).message}`, command);
  }
  const r = decodeWith(LateFeePolicyC, 'late-fee policy')(json);
  if (E.isRight(r)) return r.right;
  throw new UsageError(`${path} is not a late-fee policy (docs/late-fees.md): ${r.left.problems.map(formatProblem).join('; ')}`, command);
};

/** One sentence for a policy: what a person checks before a run. */
export const describePolicy = (p: LateFeePolicy, currency?: string): string => {
  const d = lateFeeDefaults(p);
  const rate =
    d.rate.kind === 'daily-rate'
      ? `${(d.rate.basisPoints / 100).toFixed(2)}% a day`
      : `${money(d.rate.amountMinor, currency)} per ${plural(d.rate.periodDays, 'day')} begun`;
  const cap =
    d.cap.kind === 'fixed' ? money(d.cap.amountMinor, currency) : `${(d.cap.basisPoints / 100).toFixed(2)}% of the amount overdue`;
  const items = d.lineCodes ? `on ${d.lineCodes.join(', ')}` : 'on every fee item';
  return `${rate} after ${plural(d.graceDays, 'grace day')}, at most ${cap}, ${items}; plans: ${d.duringPlan}; disputes: ${d.onDispute}; payments: ${d.allocation}`;
};

const POLICY = 'late-fees policy';
export const lateFeePolicyCommand: Command = {
  name: POLICY,
  summary: "show the ledger's late-fee policy, or set it from a JSON file",
  common: true,
  help: `usage: renewal late-fees policy [--set FILE [--reason TEXT] [--actor NAME]] [--store URL] [--format table|json]

Without --set: the late-fee policy in force (the ledger's last LateFeePolicySet), or that there is
none (then renewal late-fees run charges nothing unless given --policy). With --set: records the
policy in FILE (SetLateFeePolicy; the ledger must be opened first, renewal init). The same policy
again changes nothing. The policy's fields are in docs/late-fees.md, for example:

  {"rate": {"kind": "daily-rate", "basisPoints": 5}, "graceDays": 15,
   "cap": {"kind": "percent-of-overdue", "basisPoints": 1000}}

  --set FILE       the policy as JSON
  --reason TEXT    why it is set or changed (kept in the event)
  --actor NAME     who sets it (default: $USER)`,
  async run(argv) {
    const { values, positionals } = parse(POLICY, argv, { set: { type: 'string' }, reason: { type: 'string' }, actor: { type: 'string' } });
    noPositionals(POLICY, positionals);
    const format = formatOf(POLICY, values.format, ['table', 'json']);
    if (values.set === undefined && (values.reason !== undefined || values.actor !== undefined))
      throw new UsageError('--reason and --actor go with --set', POLICY);
    const policy = values.set === undefined ? null : policyFrom(POLICY, values.set);
    const store = await openStore(storeUrlOf(values.store), policy ? {} : { create: false, readOnly: true });
    try {
      let changed = false;
      if (policy) {
        const r = await record(
          store,
          POLICY,
          {
            type: 'SetLateFeePolicy',
            actor: actorOf(values.actor),
            policy,
            ...(values.reason !== undefined ? { reason: values.reason } : {}),
          },
          values.actor,
        );
        if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
        changed = r.status === 'applied';
      }
      const settings = (await loadLedgerSettings(store)).state;
      const set = settings.lateFeePolicy ?? null;
      const currency = settings.opened?.currency;
      if (format === 'json')
        printJson({ policy: set?.policy ?? null, setBy: set?.actor ?? null, setAt: set?.at ?? null, reason: set?.reason ?? null, changed });
      else if (!set)
        print('Late fees: no policy set: renewal late-fees run charges nothing (renewal late-fees policy --set FILE sets one)');
      else
        print(
          `${policy && !changed ? 'Late fees: nothing to change: this policy is in force already\n' : ''}Late fees: ${describePolicy(set.policy, currency)}\n  set by ${set.actor} at ${set.at}${set.reason ? `: ${set.reason}` : ''}`,
        );
      return 0;
    } finally {
      await store.close();
    }
  },
};

const RUN = 'late-fees run';
export const lateFeeRunCommand: Command = {
  name: RUN,
  summary: 'charge the late fees accrued on every overdue cycle as of a date (safe to rerun)',
  common: true,
  help: `usage: renewal late-fees run [--as-of DATE] [--policy FILE] [--batch N] [--store URL] [--format table|json|csv]

Charges each overdue cycle the late fee it has accrued as of the date under the ledger's policy
(or FILE's), less what was charged on it before (a LateFeeCharged fact on the cycle, kept apart
from the principal). The business schedules it, monthly for example. A charge's ids are
late-fee/<cycleId>/<date>, so running it again, or after a run that stopped half-way, charges
each cycle once.

  --as-of DATE   the date the late fees are accrued to, YYYY-MM-DD (default: today in the ledger's time zone)
  --policy FILE  charge by this policy instead of the ledger's (JSON, see renewal late-fees policy)
  --batch N      charges per transaction (default 500)

--format csv prints the charges. Exit status 1 when a charge was rejected.`,
  async run(argv) {
    const { values, positionals } = parse(RUN, argv, {
      'as-of': { type: 'string' },
      policy: { type: 'string' },
      batch: { type: 'string' },
    });
    noPositionals(RUN, positionals);
    const format = formatOf(RUN, values.format);
    const givenAsOf = values['as-of'] === undefined ? null : dateOf(RUN, '--as-of', values['as-of']);
    const batchSize = positiveIntOf(RUN, '--batch', values.batch ?? '500');
    const given = values.policy === undefined ? undefined : policyFrom(RUN, values.policy);
    const storeUrl = storeUrlOf(values.store);
    const store = await openStore(storeUrl, { create: false });
    try {
      const ledger = await readLedger(store, { daysFromInstants: givenAsOf === null });
      const asOf: BusinessDate = givenAsOf ?? ledger.today;
      const head = await store.headPosition();
      // Once the ledger has users, the one named runs the charges: its role is checked on each.
      const who = await whoActs(store, RUN, values.actor);
      const handler = getCommandHandler(renewalCycle, { store, clock: () => clockNow(), ...accessOf(who) });
      const report = await chargeLateFees({
        store,
        handler,
        asOf,
        batchSize,
        zones: ledger.zones,
        ...(given ? { policy: given } : {}),
        ...(who.actor !== null ? { actor: who.actor } : {}),
      });
      const currencies = new Map<string, string>();
      const charges = [];
      for (const e of await writtenSince(store, head, ['LateFeeCharged'])) {
        const d = e.data as LateFeeChargedData;
        const currency = currencies.get(d.cycleId) ?? (await loadCycle(store, d.cycleId)).bill?.currency ?? '';
        currencies.set(d.cycleId, currency);
        charges.push({
          cycleId: d.cycleId,
          chargeId: d.chargeId,
          asOf: d.asOf,
          currency,
          overdueMinor: d.overdueMinor,
          chargeableDays: d.chargeableDays,
          amountMinor: d.amountMinor,
          position: e.globalPosition,
        });
      }
      const rejected = report.charges.rejected.map((r) => ({
        cycleId: r.cycleId,
        commandId: r.commandId,
        code: r.error.code,
        message: r.error.message,
      }));
      const summary = {
        proposed: report.proposed,
        charged: report.charges.applied,
        alreadyCharged: report.charges.duplicate,
        rejected: rejected.length,
      };
      if (format === 'json')
        printJson({ asOf, store: storeUrl, policy: report.policy, summary, byCurrency: report.charged, charges, rejected });
      else if (format === 'csv')
        print(
          csv(
            ['cycle_id', 'charge_id', 'as_of', 'currency', 'overdue_minor', 'chargeable_days', 'late_fee_minor', 'late_fee'],
            charges.map((c) => [
              c.cycleId,
              c.chargeId,
              c.asOf,
              c.currency,
              c.overdueMinor,
              c.chargeableDays,
              c.amountMinor,
              csvAmount(c.amountMinor, c.currency),
            ]),
          ),
        );
      else {
        const parts: string[] = [];
        if (!report.policy)
          parts.push('No late-fee policy is set (renewal late-fees policy --set FILE, or --policy FILE): nothing charged');
        if (charges.length > 0)
          parts.push(
            table(
              ['cycle', 'overdue', 'days charged', 'late fee', 'currency'],
              charges.map((c) => [
                c.cycleId,
                amount(c.overdueMinor, c.currency),
                count(c.chargeableDays),
                amount(c.amountMinor, c.currency),
                c.currency,
              ]),
            ),
          );
        for (const r of rejected) parts.push(`  rejected ${r.cycleId}: ${r.code}: ${r.message}`);
        const totals = report.charged.map((c) => money(c.amountMinor, c.currency)).join(', ');
        if (report.policy)
          parts.push(
            `Late fees as of ${asOf}: ${plural(summary.charged, 'cycle')} charged${totals ? ` (${totals})` : ''}` +
              (summary.alreadyCharged ? `, ${count(summary.alreadyCharged)} already charged` : '') +
              (summary.rejected ? `, ${count(summary.rejected)} rejected` : '') +
              (summary.proposed === 0 ? ' (nothing more has accrued)' : ''),
          );
        print(parts.join('\n'));
      }
      return rejected.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};

const WAIVE = 'late-fees waive';
export const lateFeeWaiveCommand: Command = {
  name: WAIVE,
  summary: 'waive all or part of the late fee open on a cycle, with a reason',
  common: true,
  help: `usage: renewal late-fees waive <CYCLE> --amount AMOUNT --reason TEXT [--waiver-id ID] [--at INSTANT] [--actor NAME] [--store URL] [--format table|json]

Records a LateFeeWaived on the cycle: AMOUNT (in the bill's currency, e.g. 2.00) of the late fee
still open is waived. More than is open (charged - waived - paid) is refused
WAIVER_EXCEEDS_LATE_FEE. The same waiver (id, amount, reason and --at) again is a duplicate.

  --amount AMOUNT  how much to waive, e.g. 4.73
  --reason TEXT    why (kept in the event and the audit trail)
  --waiver-id ID   the waiver's id (default: <CYCLE>/waiver/<at>)
  --at INSTANT     when it was granted, ISO 8601 (default: now)
  --actor NAME     who waives it (default: $USER)`,
  async run(argv) {
    const { values, positionals } = parse(WAIVE, argv, {
      amount: { type: 'string' },
      reason: { type: 'string' },
      'waiver-id': { type: 'string' },
      at: { type: 'string' },
      actor: { type: 'string' },
    });
    const cycleId = onePositional(WAIVE, positionals, 'the cycle id');
    const format = formatOf(WAIVE, values.format, ['table', 'json']);
    if (values.amount === undefined) throw new UsageError('--amount is missing: how much of the late fee to waive, e.g. 4.73', WAIVE);
    if (values.reason === undefined) throw new UsageError('--reason is missing: why the late fee is waived', WAIVE);
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const state = await loadCycle(store, cycleId);
      if (!state.bill) throw new CliError(`no billed cycle ${cycleId} in the store`);
      const currency = state.bill.currency;
      const amountMinor = parseMinor(values.amount, currency);
      if (amountMinor === null || amountMinor <= 0)
        throw new UsageError(`--amount takes a positive amount in ${currency}, e.g. 4.73; got ${JSON.stringify(values.amount)}`, WAIVE);
      const at = values.at === undefined ? clockNow() : instantOf(WAIVE, '--at', values.at);
      const waiverId = values['waiver-id'] === undefined ? `${cycleId}/waiver/${at}` : idOf(WAIVE, '--waiver-id', values['waiver-id']);
      // Once the ledger has users, only a role the policy allows may waive (docs/roles-and-approvals.md).
      const who = await whoActs(store, WAIVE, values.actor);
      const access = who.access ? { access: who.access, role: who.role! } : {};
      const handler = getCommandHandler(renewalCycle, { store, clock: () => clockNow(), ...access });
      // Through the command's codec, like any line of renewal apply: the reason is checked text.
      const command = decodeCommand({
        type: 'WaiveLateFee',
        commandId: `waive:${waiverId}`,
        cycleId,
        actor: who.actor ?? actorOf(values.actor),
        at,
        waiverId,
        amountMinor,
        reason: values.reason,
      });
      if (E.isLeft(command)) throw new UsageError(command.left.problems.map(formatProblem).join('; '), WAIVE);
      const r = await handler.handle(command.right);
      if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
      const after = r.status === 'applied' ? r.state : await loadCycle(store, cycleId);
      const f = renewalCycle.figures(after);
      const figures = {
        chargedMinor: f.lateFeeChargedMinor,
        waivedMinor: f.lateFeeWaivedMinor,
        paidMinor: f.lateFeePaidMinor,
        outstandingMinor: f.lateFeeOutstandingMinor,
      };
      if (format === 'json') printJson({ cycleId, waiverId, currency, amountMinor, status: r.status, lateFee: figures });
      else
        print(
          `${r.status === 'applied' ? `Waived ${money(amountMinor, currency)} of the late fee on ${cycleId}` : `Waiver ${waiverId} is recorded already`}: ` +
            `charged ${money(figures.chargedMinor, currency)}, waived ${money(figures.waivedMinor, currency)}, paid ${money(figures.paidMinor, currency)}, open ${money(figures.outstandingMinor, currency)}`,
        );
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const lateFeeCommands: readonly Command[] = [lateFeePolicyCommand, lateFeeRunCommand, lateFeeWaiveCommand];
