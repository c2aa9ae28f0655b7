// The service stays responsive while the audit chain is verified (issue 12, item 14). Verifying
// hashes every entry and re-reads every event: seconds on a real ledger. On the service's own
// thread that held every other request until it ended; on a worker thread the status answer
// comes back while the verification is still running. The test asserts the order of the answers,
// not a duration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventIdFor, type EventMetadata, type NewEvent } from '@renewal-ledger/core';
import type { AppendRequest } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { startPropertyService } from '../src/service.js';
import { wrap } from './support.js';

const CYCLES = 30_000;

/** A cycle's bill, as the store keeps it. */
const billed = (i: number): NewEvent => {
  const cycleId = `unit-${i}/2026-01`;
  const commandId = `bill-${i}`;
  return {
    eventId: eventIdFor(commandId, 0),
    type: 'Billed',
    schemaVersion: 1,
    data: {
      cycleId,
      commandId,
      actor: 'billing-run',
      at: '2026-01-01T01:00:00Z',
      contractId: `unit-${i}`,
      period: { start: '2026-01-01', end: '2026-02-01' },
      dueDate: '2026-01-15',
      currency: 'CNY',
      lines: [{ code: 'service', description: 'Property service fee', amountMinor: 31520 }],
      discounts: [],
      totalMinor: 31520,
    },
    metadata: { commandId, actor: 'billing-run', recordedAt: '2026-01-01T01:00:00Z' } as EventMetadata,
  };
};

test('a status request is answered while GET /api/audit/verify runs, before the verification ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renewal-responsive-'));
  const storeUrl = `sqlite:${join(dir, 'renewal.db')}`;
  try {
    const writer = await openStore(storeUrl);
    for (let i = 0; i < CYCLES; i += 1000) {
      const requests: AppendRequest[] = [];
      for (let j = i; j < Math.min(CYCLES, i + 1000); j++)
        requests.push({ streamName: `renewal-cycle-unit-${j}/2026-01`, events: [billed(j)], expectedRevision: 'no-stream' });
      await writer.appendBatch(requests);
    }
    await writer.close();

    const s = await wrap(
      await startPropertyService({ store: storeUrl, port: 0, pollIntervalMs: 50, log: () => undefined }),
      async () => undefined,
    );
    const service = s.service;
    try {
      assert.ok(await service.viewsReach(BigInt(CYCLES), 300_000), 'the views caught up');
      const order: string[] = [];
      const verify = fetch(`${service.url}/api/audit/verify`, { headers: s.headers }).then(async (res) => {
        order.push('verify');
        return { status: res.status, body: (await res.json()) as { ok: boolean; entries: number } };
      });
      // Asked a little after the verification started; on the service's own thread the timer
      // itself would not fire until the verification had ended.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const status = await fetch(`${service.url}/api/status`, { headers: s.headers });
      order.push('status');
      assert.is(status.status, 200);
      const verified = await verify;
      assert.equal(order, ['status', 'verify'], 'the status answer came while the verification was still running');
      assert.is(verified.status, 200);
      // Every bill, the user the test signed in as (an event on renewal-users) and their session.
      assert.equal([verified.body.ok, verified.body.entries], [true, CYCLES + 2]);
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
