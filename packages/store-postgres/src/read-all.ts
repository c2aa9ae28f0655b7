// Tailing `readAll` on PostgreSQL without ever skipping an event whose transaction commits late.
//
// Positions come from a sequence, so transaction A can take position 10, transaction B position
// 11, and B commit first: a reader that saw 11 and checkpointed there would never see 10. Two
// things prevent it:
// 1. Every row records its transaction id (`pg_current_xact_id()`), and `readAll` only returns
//    rows whose transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`: every
//    transaction below that horizon has finished, so no row can still appear among them.
// 2. That filter is only enough if a lower transaction id always means lower positions. A
//    transaction that got its id first may insert last (a batch, or plain scheduling), so an
//    append runs under an advisory lock, taken with BEGIN (before the transaction's first
//    write, which is when PostgreSQL assigns its id) and released right after its insert,
//    before COMMIT (append.ts). Ids and positions are thus handed out in the same order, while
//    the commits (the slow part) still overlap.
// When rows past the horizon exist (another append is committing), `readAll` waits briefly for
// them to settle instead of ending early, so a reader sees its own committed writes.
import type { Pool } from 'pg';
import type { RecordedEvent } from '@renewal-ledger/core';
import type { ReadAllOptions } from '@renewal-ledger/eventstore';
import type { EventRow, Statements } from './statements.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const getReadAll = (pool: Pool, sql: Statements, recorded: (r: EventRow) => RecordedEvent, settleTimeoutMs: number) =>
  async function* readAll(readOptions: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    let after = readOptions.after ?? 0n;
    let left = readOptions.limit ?? Number.POSITIVE_INFINITY;
    const batchSize = Math.max(1, readOptions.batchSize ?? 500);
    let waitingSince: number | null = null;
    let pause = 1;
    while (left > 0) {
      const want = Math.min(batchSize, left);
      const { rows } = await pool.query<EventRow & { settled: boolean }>({ ...sql.readAll, values: [after.toString(), want] });
      let yielded = 0;
      for (const r of rows) {
        // Stop at the first row whose transaction is not below the horizon: a row with a lower
        // position may still commit before it, and everything after it waits too.
        if (!r.settled) break;
        yield recorded(r);
        after = BigInt(r.global_position);
        left -= 1;
        yielded += 1;
      }
      if (yielded === rows.length && rows.length < want) return; // the end of the log
      if (yielded > 0) {
        waitingSince = null;
        pause = 1;
        continue;
      }
      // Only rows past the horizon: an append is committing. Wait for it, within limits; a
      // transaction that stays open longer (anywhere on the server) leaves them to a later read.
      waitingSince ??= Date.now();
      if (Date.now() - waitingSince >= settleTimeoutMs) return;
      await sleep(pause);
      pause = Math.min(pause * 2, 50);
    }
  };
