// Registers each area of the conformance suite as one uvu suite. Each test opens a fresh fixture
// and closes it, so one failure cannot leak into the next test.
import { suite } from 'uvu';
import { appendAndRead } from './areas/append-and-read.js';
import { appendBatch } from './areas/append-batch.js';
import { commandHandler } from './areas/command-handler.js';
import { concurrency } from './areas/concurrency.js';
import { expectedRevision } from './areas/expected-revision.js';
import { handlerBatch } from './areas/handler-batch.js';
import { idempotentAppend } from './areas/idempotent-append.js';
import { readAll } from './areas/read-all.js';
import { storedEventDecoding } from './areas/stored-event-decoding.js';
import { wellFormedText } from './areas/well-formed-text.js';
import { namesFor, newRunId } from './fixtures.js';
import type { AreaTests, Registered } from './support.js';
import type { ConformanceArea, ConformanceTarget } from './target.js';

const AREAS: Readonly<Record<ConformanceArea, AreaTests>> = {
  'append and read': appendAndRead,
  'expected revision': expectedRevision,
  'idempotent append': idempotentAppend,
  'read all': readAll,
  'append batch': appendBatch,
  'stored event decoding': storedEventDecoding,
  'command handler': commandHandler,
  'handler batch': handlerBatch,
  concurrency,
  'well-formed text': wellFormedText,
};

const tests = (target: ConformanceTarget): Registered[] => {
  const list: Registered[] = [];
  for (const [area, add] of Object.entries(AREAS) as [ConformanceArea, AreaTests][])
    add((name, body, unsupported) => list.push({ area, name, body, unsupported }), target);
  return list;
};

export const registerConformanceSuites = (target: ConformanceTarget): number => {
  const list = tests(target);
  // Tests a target cannot run are registered as skipped, each with its reason printed.
  const why = (t: Registered): string | undefined => {
    if (target.skip) return target.skip;
    if (t.unsupported) return t.unsupported;
    return undefined;
  };
  const byArea = new Map<ConformanceArea, Registered[]>();
  for (const t of list) byArea.set(t.area, [...(byArea.get(t.area) ?? []), t]);
  if (target.skip) console.log(`eventstore conformance: ${target.name}: ${list.length} tests SKIPPED (not passed): ${target.skip}`);
  for (const [area, tests] of byArea) {
    const s = suite(`eventstore conformance: ${target.name} / ${area}`);
    for (const t of tests) {
      const reason = why(t);
      if (reason) {
        if (!target.skip) console.log(`eventstore conformance: ${target.name}: SKIPPED (not passed) "${t.name}": ${reason}`);
        s.skip(t.name);
        continue;
      }
      s(t.name, async () => {
        const fx = await target.open();
        try {
          await t.body({ fx, store: fx.store, names: namesFor(newRunId()) });
        } finally {
          await fx.close();
        }
      });
    }
    s.run();
  }
  return list.length;
};
