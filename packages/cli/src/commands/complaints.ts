// `renewal complaints open|assign|follow-up|resolve|close|list`: complaint cases through the
// generic command handler (core's complaintDecider), each checked against the access policy as
// the actor's role (docs/complaints.md). A compensation is an adjustment of the bill's cycle,
// decided by the cycle and the policy first: over the role's limit it waits in `renewal approvals`.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import {
  complaintDecider,
  complaintStatusOf,
  decodeComplaintCommand,
  formatProblem,
  parseMinor,
  renewalCycle,
  COMPLAINT_SUBJECTS,
  SATISFACTION_LEVELS,
  type ComplaintCommand,
} from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { compensateComplaint, loadCycle, readComplaints } from '@renewal-ledger/renewals';
import { openStore } from '@renewal-ledger/stores';
import { actorOf, type Actor } from '../actor.js';
import { dateOf, formatOf, idOf, noPositionals, onePositional, parse } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { readLedger, type Ledger } from '../ledger.js';
import { money, print, printJson, table } from '../output.js';
import { storeUrlOf } from '../session.js';

interface Context {
  readonly store: EventStore;
  readonly who: Actor & { readonly actor: string };
  readonly ledger: Ledger;
}

/** Opens the store, names the actor and reads the ledger; runs `body`; closes the store. */
const withLedger = async (
  name: string,
  storeFlag: string | undefined,
  actorFlag: string | undefined,
  body: (c: Context) => Promise<void>,
) => {
  const store = await openStore(storeUrlOf(storeFlag), { create: false });
  try {
    const who = await actorOf(store, name, actorFlag);
    if (who.actor === null) throw new UsageError('say who you are with --actor USER or RENEWAL_ACTOR', name);
    const ledger = await readLedger(store, { daysFromInstants: true });
    await body({ store, who: who as Context['who'], ledger });
  } finally {
    await store.close();
  }
};

const accessOf = (who: Actor) => (who.access ? { access: who.access, role: who.role! } : {});

/** Decodes and handles one complaint command; prints `done` or that nothing new was written. */
const runComplaintCommand = async (name: string, c: Context, input: Record<string, unknown>, done: string) => {
  // The command id names this run (its business ids and its instant); the same fact entered again
  // at another time is found by the case's own business ids instead, and is a duplicate too.
  const decoded = decodeComplaintCommand({
    ...input,
    commandId: `${input.commandId}@${c.ledger.now}`,
    actor: c.who.actor,
    at: c.ledger.now,
  });
  if (E.isLeft(decoded)) throw new UsageError(decoded.left.problems.map(formatProblem).join('; '), name);
  const handler = getCommandHandler(complaintDecider, { store: c.store, clock: () => c.ledger.now, ...accessOf(c.who) });
  const r = await handler.handle(decoded.right as ComplaintCommand);
  if (r.status === 'rejected') throw new CliError(`${r.error.code}: ${r.error.message}`);
  print(r.status === 'applied' ? done : `${done.split(':')[0]}: already recorded (nothing new written)`);
};

const caseOf = (name: string, positionals: readonly string[]) => idOf(name, 'the case id', onePositional(name, positionals, 'the case id'));
const required = (name: string, flag: string, value: string | undefined): string => {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is missing`, name);
  return value;
};

const openCommand: Command = {
  name: 'complaints open',
  summary: 'open a complaint case: who complained, about what, when it is to be followed up',
  help: `usage: renewal complaints open <caseId> --contract ID --by TEXT --about bill|service|collector --ref ID
         --summary TEXT --follow-up-by DATE [--received-on DATE] [--channel TEXT] [--actor USER]

--ref names what the complaint is about: the cycle of a bill (unit-0301/2026-02), a service's
name, a collector's id. --received-on is the day the customer complained (default today in the
ledger's zone); --follow-up-by the day the first follow-up is due. Opening the same case again
with the same details is a duplicate; other details are refused COMPLAINT_EXISTS.`,
  async run(argv) {
    const name = 'complaints open';
    const { values, positionals } = parse(name, argv, {
      contract: { type: 'string' },
      by: { type: 'string' },
      about: { type: 'string' },
      ref: { type: 'string' },
      summary: { type: 'string' },
      'follow-up-by': { type: 'string' },
      'received-on': { type: 'string' },
      channel: { type: 'string' },
    });
    const caseId = caseOf(name, positionals);
    const about = required(name, 'about', values.about);
    if (!(COMPLAINT_SUBJECTS as readonly string[]).includes(about))
      throw new UsageError(`--about must be one of ${COMPLAINT_SUBJECTS.join(', ')}, got ${about}`, name);
    const followUpBy = dateOf(name, '--follow-up-by', required(name, 'follow-up-by', values['follow-up-by']));
    await withLedger(name, values.store, values.actor, (c) =>
      runComplaintCommand(
        name,
        c,
        {
          type: 'OpenComplaint',
          commandId: `open-complaint:${caseId}`,
          caseId,
          contractId: required(name, 'contract', values.contract),
          openedBy: required(name, 'by', values.by),
          about: { subject: about, ref: required(name, 'ref', values.ref) },
          summary: required(name, 'summary', values.summary),
          receivedOn: values['received-on'] ? dateOf(name, '--received-on', values['received-on']) : c.ledger.today,
          followUpBy,
          ...(values.channel ? { channel: values.channel } : {}),
        },
        `opened complaint ${caseId}: follow up by ${followUpBy}`,
      ),
    );
    return 0;
  },
};

const assignCommand: Command = {
  name: 'complaints assign',
  summary: 'give a complaint case its owner (who follows it up and resolves it)',
  help: `usage: renewal complaints assign <caseId> --owner USER [--actor USER]

Assigns (or reassigns) the case. Follow-ups and the resolution need an owner.`,
  async run(argv) {
    const name = 'complaints assign';
    const { values, positionals } = parse(name, argv, { owner: { type: 'string' } });
    const caseId = caseOf(name, positionals);
    const owner = idOf(name, '--owner', required(name, 'owner', values.owner));
    await withLedger(name, values.store, values.actor, (c) =>
      runComplaintCommand(
        name,
        c,
        { type: 'AssignComplaint', commandId: `assign-complaint:${caseId}:${owner}`, caseId, owner },
        `assigned complaint ${caseId} to ${owner}`,
      ),
    );
    return 0;
  },
};

const followUpCommand: Command = {
  name: 'complaints follow-up',
  summary: 'record a follow-up of a complaint case and when the next one is due',
  help: `usage: renewal complaints follow-up <caseId> --note TEXT [--next DATE] [--id FOLLOW_UP_ID] [--actor USER]

Records what was done or said. --next is the day the next follow-up is due; without it none is
scheduled. --id names the follow-up (default: derived from the case, the day, the note and
--next, so running the same line again is a duplicate).`,
  async run(argv) {
    const name = 'complaints follow-up';
    const { values, positionals } = parse(name, argv, { note: { type: 'string' }, next: { type: 'string' }, id: { type: 'string' } });
    const caseId = caseOf(name, positionals);
    const note = required(name, 'note', values.note);
    const next = values.next === undefined ? undefined : dateOf(name, '--next', values.next);
    await withLedger(name, values.store, values.actor, (c) => {
      const followUpId =
        values.id ??
        createHash('sha256')
          .update(JSON.stringify([caseId, c.ledger.today, note, next ?? null]))
          .digest('hex')
          .slice(0, 16);
      return runComplaintCommand(
        name,
        c,
        {
          type: 'FollowUpComplaint',
          commandId: `follow-up-complaint:${caseId}:${followUpId}`,
          caseId,
          followUpId,
          note,
          ...(next ? { nextFollowUpBy: next } : {}),
        },
        `followed up complaint ${caseId}${next ? `: next by ${next}` : ''}`,
      );
    });
    return 0;
  },
};

const resolveCommand: Command = {
  name: 'complaints resolve',
  summary: 'resolve a complaint case with a solution, or with a compensation (an adjustment of a bill)',
  help: `usage: renewal complaints resolve <caseId> --solution TEXT [--compensate AMOUNT --cycle CYCLE_ID] [--check-by DATE] [--actor USER]

With --compensate, the bill of --cycle is adjusted by AMOUNT (in its currency) first, through the
cycle's rules and the access policy: within the actor's limit the money moves now; over it, the
adjustment waits for a manager (renewal approvals list), and the case records it as requested.
--check-by: the day to check back that the customer is satisfied (listed as overdue after it).`,
  async run(argv) {
    const name = 'complaints resolve';
    const { values, positionals } = parse(name, argv, {
      solution: { type: 'string' },
      compensate: { type: 'string' },
      cycle: { type: 'string' },
      'check-by': { type: 'string' },
    });
    const caseId = caseOf(name, positionals);
    const solution = required(name, 'solution', values.solution);
    if ((values.compensate === undefined) !== (values.cycle === undefined))
      throw new UsageError('--compensate and --cycle go together', name);
    const checkBy = values['check-by'] === undefined ? undefined : dateOf(name, '--check-by', values['check-by']);
    await withLedger(name, values.store, values.actor, async (c) => {
      let compensation: unknown;
      let said = '';
      if (values.compensate !== undefined) {
        const cycleId = idOf(name, '--cycle', values.cycle!);
        const bill = (await loadCycle(c.store, cycleId)).bill;
        if (!bill) throw new CliError(`no bill ${cycleId} in this ledger`);
        const amountMinor = parseMinor(values.compensate, bill.currency);
        if (amountMinor === null || amountMinor <= 0)
          throw new UsageError(`--compensate must be a positive amount in ${bill.currency}, got ${values.compensate}`, name);
        const cycles = getCommandHandler(renewalCycle, { store: c.store, clock: () => c.ledger.now, ...accessOf(c.who) });
        const out = await compensateComplaint(c.store, cycles, {
          caseId,
          cycleId,
          amountMinor,
          reason: `complaint ${caseId}: ${solution}`,
          actor: c.who.actor,
          at: c.ledger.now,
        });
        if (out.status === 'rejected') throw new CliError(`${out.result.error.code}: ${out.result.error.message}`);
        compensation = out.compensation;
        said =
          out.compensation.approval === 'adjusted'
            ? `; ${cycleId} adjusted by ${money(amountMinor, bill.currency)}`
            : `; the adjustment of ${money(amountMinor, bill.currency)} on ${cycleId} waits for approval (request ${out.compensation.adjustmentId})`;
      }
      await runComplaintCommand(
        name,
        c,
        {
          type: 'ResolveComplaint',
          commandId: `resolve-complaint:${caseId}`,
          caseId,
          outcome: compensation ? 'compensation' : 'solution',
          solution,
          ...(compensation ? { compensation } : {}),
          ...(checkBy ? { checkBy } : {}),
        },
        `resolved complaint ${caseId}${said}`,
      );
    });
    return 0;
  },
};

const closeCommand: Command = {
  name: 'complaints close',
  summary: "close a resolved complaint case with the customer's satisfaction",
  help: `usage: renewal complaints close <caseId> --satisfaction ${SATISFACTION_LEVELS.join('|')} [--note TEXT] [--lesson TEXT] [--actor USER]

--lesson: what the office learns from the case (listed with the case).`,
  async run(argv) {
    const name = 'complaints close';
    const { values, positionals } = parse(name, argv, {
      satisfaction: { type: 'string' },
      note: { type: 'string' },
      lesson: { type: 'string' },
    });
    const caseId = caseOf(name, positionals);
    const satisfaction = required(name, 'satisfaction', values.satisfaction);
    await withLedger(name, values.store, values.actor, (c) =>
      runComplaintCommand(
        name,
        c,
        {
          type: 'CloseComplaint',
          commandId: `close-complaint:${caseId}`,
          caseId,
          satisfaction,
          ...(values.note ? { note: values.note } : {}),
          ...(values.lesson ? { lesson: values.lesson } : {}),
        },
        `closed complaint ${caseId} (${satisfaction})`,
      ),
    );
    return 0;
  },
};

const listCommand: Command = {
  name: 'complaints list',
  summary: 'complaint cases as of a day, or only those whose follow-up is overdue',
  help: `usage: renewal complaints list [--overdue] [--all] [--as-of DATE] [--format table|json]

The cases not closed as of --as-of (default today in the ledger's zone; --all adds the closed
ones), each with its owner, status and next follow-up. --overdue: only the cases whose follow-up
was due before that day and not done by then, most overdue first.`,
  async run(argv) {
    const name = 'complaints list';
    const { values, positionals } = parse(name, argv, {
      overdue: { type: 'boolean' },
      all: { type: 'boolean' },
      'as-of': { type: 'string' },
    });
    noPositionals(name, positionals);
    const format = formatOf(name, values.format, ['table', 'json']);
    const store = await openStore(storeUrlOf(values.store), { create: false, readOnly: true });
    try {
      const ledger = await readLedger(store, { daysFromInstants: values['as-of'] === undefined });
      const asOf = values['as-of'] === undefined ? ledger.today : dateOf(name, '--as-of', values['as-of']);
      const cases = (await readComplaints(store, asOf))
        .filter((c) => (values.overdue ? c.overdue !== null : values.all || c.state.closed === null))
        .map((c) => ({
          caseId: c.caseId,
          contractId: c.state.opened!.contractId,
          about: c.state.opened!.about,
          openedBy: c.state.opened!.openedBy,
          receivedOn: c.state.opened!.receivedOn,
          status: complaintStatusOf(c.state),
          owner: c.state.owner,
          followUps: c.state.followUps.length,
          followUpBy: c.state.followUpBy,
          daysOverdue: c.overdue?.daysOverdue ?? 0,
          outcome: c.state.resolved?.outcome ?? null,
          compensation: c.state.resolved?.compensation ?? null,
          satisfaction: c.state.closed?.satisfaction ?? null,
        }));
      if (values.overdue) cases.sort((a, b) => b.daysOverdue - a.daysOverdue || a.caseId.localeCompare(b.caseId));
      if (format === 'json') printJson({ asOf, complaints: cases });
      else if (cases.length === 0) print(values.overdue ? `no follow-up overdue as of ${asOf}` : `no complaint cases as of ${asOf}`);
      else
        print(
          table(
            ['case', 'contract', 'about', 'status', 'owner', 'follow-ups', 'follow up by', 'overdue', 'outcome'],
            cases.map((c) => [
              c.caseId,
              c.contractId,
              `${c.about.subject} ${c.about.ref}`,
              c.status ?? '',
              c.owner ?? '',
              c.followUps,
              c.followUpBy ?? '',
              c.daysOverdue > 0 ? `${c.daysOverdue} d` : '',
              c.satisfaction ?? c.outcome ?? '',
            ]),
          ),
        );
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const complaintsCommands: readonly Command[] = [
  openCommand,
  assignCommand,
  followUpCommand,
  resolveCommand,
  closeCommand,
  listCommand,
];
