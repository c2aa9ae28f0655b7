// N command handlers racing on one cycle, each on its own connection or in its own process. Each
// payment command is sent by two racers, and there are more payments than the bill can take, so
// the outcome is fully determined: exactly enough payments are applied to settle the bill, each
// once, the rest are refused as OVERPAYMENT, and nothing is lost or counted twice.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cycleFigures, cycleStreamName, renewalCycle, type RenewalCommand } from '@renewal-ledger/core';
import { getCommandHandler, type HandleResult, type PartsResult } from '../command-handler.js';
import { WrongExpectedRevisionError, type EventStore } from '../port.js';
import type { ChildProcessStore } from './target.js';
import { billCommand, paymentCommand, type Names } from './fixtures.js';

/** What one racer reports per command. */
export interface RaceOutcome {
  readonly commandId: string;
  readonly status: PartsResult<typeof renewalCycle>['status'];
  readonly code?: string;
}

export const PAYMENT_MINOR = 100;

export interface RacePlan {
  readonly cycleId: string;
  readonly bill: RenewalCommand;
  /** Commands per racer, each command appearing in two racers' lists. */
  readonly perRacer: readonly (readonly RenewalCommand[])[];
  readonly distinct: readonly RenewalCommand[];
  /** How many payments fit into the bill. */
  readonly fitting: number;
}

// A small deterministic shuffle, so racers send their commands in different orders.
const shuffled = <A>(items: readonly A[], seed: number): A[] => {
  const out = [...items];
  let s = seed * 2654435761 + 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

export const planRace = (names: Names, label: string, racers: number, perRacer: number): RacePlan => {
  const cycleId = names.cycle(`race-${label}`);
  const half = Math.max(1, Math.floor(perRacer / 2));
  // Block i belongs to racers i and i+1: every command is sent twice, by different racers.
  const blocks = Array.from({ length: racers }, (_, b) =>
    Array.from({ length: half }, (_, k) => paymentCommand(cycleId, names.id(`${label}-pay-${b}-${k}`), PAYMENT_MINOR)),
  );
  const distinct = blocks.flat();
  const fitting = Math.max(1, Math.floor((distinct.length * 2) / 3));
  return {
    cycleId,
    bill: billCommand(cycleId, names.id(`${label}-bill`), fitting * PAYMENT_MINOR),
    perRacer: Array.from({ length: racers }, (_, r) => shuffled([...blocks[r]!, ...blocks[(r + racers - 1) % racers]!], r + 1)),
    distinct,
    fitting,
  };
};

export const outcomeOf = (commandId: string, r: HandleResult<typeof renewalCycle>): RaceOutcome =>
  r.status === 'rejected' ? { commandId, status: r.status, code: r.error.code } : { commandId, status: r.status };

/** Generous retries: under this much contention a handler may lose many rounds in a row. */
export const RACE_MAX_RETRIES = 200;

export interface RacerReport {
  readonly outcomes: RaceOutcome[];
  /** Appends refused with WrongExpectedRevisionError and retried: proof that the racers met. */
  readonly conflicts: number;
}

export const runRacer = async (store: EventStore, commands: readonly RenewalCommand[]): Promise<RacerReport> => {
  let conflicts = 0;
  const counted = <A>(p: Promise<A>): Promise<A> =>
    p.catch((e: unknown) => {
      if (e instanceof WrongExpectedRevisionError) conflicts += 1;
      throw e;
    });
  const counting: EventStore = {
    kind: store.kind,
    appendToStream: (name, events, options) => counted(store.appendToStream(name, events, options)),
    appendBatch: (requests) => counted(store.appendBatch(requests)),
    readStream: (name, options) => store.readStream(name, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
  const handler = getCommandHandler(renewalCycle, { store: counting, maxRetries: RACE_MAX_RETRIES });
  const outcomes: RaceOutcome[] = [];
  for (const c of commands) outcomes.push(outcomeOf(c.commandId, await handler.handle(c)));
  return { outcomes, conflicts };
};

export interface RaceReport {
  readonly outcomes: RaceOutcome[];
  readonly conflicts: number;
}

const merged = (reports: readonly RacerReport[]): RaceReport => ({
  outcomes: reports.flatMap((r) => r.outcomes),
  conflicts: reports.reduce((sum, r) => sum + r.conflicts, 0),
});

/** Races handlers in this process, each on its own connection. */
export const raceConnections = async (stores: readonly EventStore[], plan: RacePlan): Promise<RaceReport> =>
  merged(await Promise.all(stores.map((s, i) => runRacer(s, plan.perRacer[i]!))));

const racerScript = (): string => {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), `racer-process${here.endsWith('.ts') ? '.ts' : '.js'}`);
};

const RACER_TIMEOUT_MS = 5 * 60 * 1000;

interface Child {
  readonly ready: Promise<void>;
  readonly done: Promise<RacerReport>;
  go(): void;
}

const startChild = (store: ChildProcessStore, commands: readonly RenewalCommand[]): Child => {
  const child = spawn(process.execPath, [...process.execArgv, racerScript()], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  let failReady: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    stdout += d;
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (d: string) => (stderr += d));
  // A racer that hangs (a store waiting on a lock forever) must fail the test, not stall the run.
  const timer = setTimeout(() => {
    stderr += `\n[killed after ${RACER_TIMEOUT_MS} ms]`;
    child.kill('SIGKILL');
  }, RACER_TIMEOUT_MS);
  const done = new Promise<RacerReport>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('result '));
      const failure = new Error(`racer process exited with ${code}: ${stderr.trim() || stdout.trim()}`);
      failReady(failure);
      if (code !== 0 || !line) reject(failure);
      else resolve(JSON.parse(line.slice('result '.length)) as RacerReport);
    });
  });
  done.catch(() => {});
  ready.catch(() => {});
  child.stdin.write(`${JSON.stringify({ store, commands })}\n`);
  return { ready, done, go: () => child.stdin.end('go\n') };
};

/** Races handlers in separate OS processes, each opening its own store; they start together. */
export const raceProcesses = async (store: ChildProcessStore, plan: RacePlan): Promise<RaceReport> => {
  const children = plan.perRacer.map((commands) => startChild(store, commands));
  try {
    await Promise.all(children.map((c) => c.ready));
  } finally {
    for (const c of children) c.go();
  }
  return merged(await Promise.all(children.map((c) => c.done)));
};

export interface RaceVerdict {
  readonly problems: readonly string[];
  readonly paidMinor: number;
  readonly paidEvents: number;
}

/** Checks the race's invariants against what the store holds. Empty `problems` = correct. */
export const judgeRace = async (store: EventStore, plan: RacePlan, outcomes: readonly RaceOutcome[]): Promise<RaceVerdict> => {
  const problems: string[] = [];
  let state = renewalCycle.initialState();
  const paidBy = new Map<string, number>();
  let revision = -1n;
  for await (const e of store.readStream(cycleStreamName(plan.cycleId))) {
    if (e.streamRevision !== revision + 1n) problems.push(`revision ${e.streamRevision} follows ${revision}`);
    revision = e.streamRevision;
    state = renewalCycle.evolve(state, renewalCycle.events.of(e));
    if (e.type === 'Paid') paidBy.set(e.metadata.commandId, (paidBy.get(e.metadata.commandId) ?? 0) + 1);
  }
  const byCommand = new Map<string, RaceOutcome[]>();
  for (const o of outcomes) byCommand.set(o.commandId, [...(byCommand.get(o.commandId) ?? []), o]);
  for (const c of plan.distinct) {
    const seen = byCommand.get(c.commandId) ?? [];
    const stored = paidBy.get(c.commandId) ?? 0;
    if (seen.length !== 2) problems.push(`${c.commandId}: ${seen.length} results, sent twice`);
    if (stored > 1) problems.push(`${c.commandId}: stored ${stored} times`);
    const applied = seen.some((o) => o.status === 'applied');
    // The racer that lost to the other's identical append was told duplicate, not applied.
    if (seen.filter((o) => o.status === 'applied').length > 1) problems.push(`${c.commandId}: reported applied by both racers`);
    const rejected = seen.filter((o) => o.status === 'rejected');
    if (applied && stored !== 1) problems.push(`${c.commandId}: reported applied but stored ${stored} times`);
    if (!applied && stored !== 0) problems.push(`${c.commandId}: stored but never reported applied`);
    if (applied && rejected.length > 0) problems.push(`${c.commandId}: both applied and rejected`);
    for (const r of rejected) if (r.code !== 'OVERPAYMENT') problems.push(`${c.commandId}: rejected with ${r.code}`);
    if (!applied && rejected.length === 0) problems.push(`${c.commandId}: neither applied nor rejected`);
  }
  const figures = cycleFigures(state);
  return { problems, paidMinor: figures.paidMinor, paidEvents: [...paidBy.values()].reduce((a, b) => a + b, 0) };
};
