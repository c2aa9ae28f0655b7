// Handlers racing on one cycle from separate connections and processes: nothing lost or doubled.
import * as assert from 'uvu/assert';
import { WrongExpectedRevisionError, type EventStore } from '../../port.js';
import { payments } from '../fixtures.js';
import { judgeRace, planRace, raceConnections, raceProcesses, PAYMENT_MINOR, type RaceReport } from '../race.js';
import { cycleHandler, ids, streamOf, strictlyIncreasing, type AreaTests } from '../support.js';

export const concurrency: AreaTests = (add, target) => {
  const connections = target.race?.connections ?? 4;
  const processes = target.race?.processes ?? 3;
  const perRacer = target.race?.paymentsPerRacer ?? 24;

  const judge = async (store: EventStore, plan: ReturnType<typeof planRace>, report: RaceReport, how: string) => {
    // Said, not asserted: how often racers collide depends on timing, what they end with does not.
    console.log(`\n  eventstore conformance: ${target.name}: ${how}: ${report.conflicts} revision conflicts retried`);
    const verdict = await judgeRace(store, plan, report.outcomes);
    assert.equal(verdict.problems, [], 'every command applied exactly once or refused by a rule');
    assert.is(verdict.paidEvents, plan.fitting, 'exactly the payments that fit were stored');
    assert.is(verdict.paidMinor, plan.fitting * PAYMENT_MINOR, 'the cycle is paid exactly in full');
  };

  add(`${connections} handlers on separate connections race on one cycle: nothing lost or doubled`, async ({ fx, names }) => {
    const plan = planRace(names, 'connections', connections, perRacer);
    await cycleHandler({ store: fx.store }).handle(plan.bill);
    const stores = await Promise.all(Array.from({ length: connections }, () => fx.openConnection()));
    try {
      await judge(fx.store, plan, await raceConnections(stores, plan), `${connections} connections`);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
  add(
    `${processes} handlers in separate processes race on one cycle: nothing lost or doubled`,
    async ({ fx, names }) => {
      const plan = planRace(names, 'processes', processes, perRacer);
      await cycleHandler({ store: fx.store }).handle(plan.bill);
      if (!fx.childProcessStore)
        throw new Error(`${target.name}: the fixture has no childProcessStore; give one or declare unsupported.childProcesses`);
      await judge(fx.store, plan, await raceProcesses(fx.childProcessStore, plan), `${processes} processes`);
    },
    target.unsupported?.childProcesses,
  );
  add('raw appends racing on one stream from separate connections keep revisions gapless', async ({ fx, names }) => {
    const stream = names.stream('raw-race');
    const stores = await Promise.all(Array.from({ length: connections }, () => fx.openConnection()));
    const perWriter = 10;
    try {
      await Promise.all(
        stores.map(async (s, w) => {
          for (let i = 0; i < perWriter; i++) {
            const events = payments(names, `raw-${w}-${i}`, 1);
            for (let tries = 0; ; tries++) {
              let last: bigint | 'no-stream' = 'no-stream';
              for await (const e of s.readStream(stream)) last = e.streamRevision;
              try {
                await s.appendToStream(stream, events, { expectedRevision: last });
                break;
              } catch (e) {
                if (!(e instanceof WrongExpectedRevisionError) || tries > 500) throw e;
                await new Promise((r) => setTimeout(r, Math.random() * 5));
              }
            }
          }
        }),
      );
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const read = await streamOf(fx.store, stream);
    assert.is(read.length, connections * perWriter, 'every append stored once');
    assert.equal(
      read.map((e) => e.streamRevision),
      read.map((_, i) => BigInt(i)),
      'revisions 0..n-1 without gaps',
    );
    assert.is(new Set(ids(read)).size, read.length, 'no event twice');
    strictlyIncreasing(read);
  });
};
