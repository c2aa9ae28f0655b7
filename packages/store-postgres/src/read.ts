// Reading streams from the PostgreSQL store: one stream a page at a time, many streams in one
// statement (one snapshot, so each stream is whole), and the newest global position.
import type { Pool } from 'pg';
import type { RecordedEvent } from '@renewal-ledger/core';
import { recordedEventFrom, type ReadStreamOptions, type StoredEventDecoder } from '@renewal-ledger/eventstore';
import { toStoredRow, type EventRow, type Statements } from './statements.js';

const PAGE = 500;
/** Streams per `readStreams` statement. */
const STREAMS_PER_STATEMENT = 1000;

export const getReaders = (pool: Pool, sql: Statements, decode: StoredEventDecoder) => {
  const recorded = (r: EventRow): RecordedEvent => recordedEventFrom(toStoredRow(r), decode);
  return {
    recorded,
    async *readStream(streamName: string, readOptions: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
      let from = readOptions.fromRevision ?? 0n;
      for (;;) {
        const { rows } = await pool.query<EventRow>({ ...sql.readStream, values: [streamName, from.toString(), PAGE] });
        for (const r of rows) yield recorded(r);
        if (rows.length < PAGE) return;
        from = BigInt(rows[rows.length - 1]!.stream_revision) + 1n;
      }
    },
    async readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
      const out = new Map<string, RecordedEvent[]>();
      const names = [...new Set(streamNames)];
      // One statement per 1,000 streams: it sees one snapshot, so each stream is whole.
      for (let i = 0; i < names.length; i += STREAMS_PER_STATEMENT) {
        const { rows } = await pool.query<EventRow>({ ...sql.readStreams, values: [names.slice(i, i + STREAMS_PER_STATEMENT)] });
        for (const r of rows) {
          const list = out.get(r.stream_id);
          if (list) list.push(recorded(r));
          else out.set(r.stream_id, [recorded(r)]);
        }
      }
      return out;
    },
    async headPosition(): Promise<bigint> {
      const { rows } = await pool.query<{ head: string | null }>(sql.head);
      const head = rows[0]?.head;
      return head === null || head === undefined ? -1n : BigInt(head);
    },
  };
};
