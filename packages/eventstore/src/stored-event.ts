// What every store does with a row it reads: parse its JSON, upcast and validate the data, check
// the metadata, and either return a RecordedEvent or stop the read with an error that says which
// event (stream, revision, global position) and which field (io-ts path) is wrong.
import * as E from 'fp-ts/lib/Either.js';
import { decodeMetadata, decodeStoredEvent, invalidInput, type InvalidInput, type RecordedEvent } from '@renewal-ledger/core';
import { StoredEventDecodeError, type StoredEventDecoder } from './port.js';

/** An event as a store keeps it: data and metadata as JSON text (or already parsed). */
export interface StoredEventRow {
  readonly streamName: string;
  readonly streamRevision: bigint;
  readonly globalPosition: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** JSON text, or the parsed value for stores whose driver parses JSON (jsonb). */
  readonly data: string | unknown;
  readonly metadata: string | unknown;
}

export const defaultDecoder: StoredEventDecoder = decodeStoredEvent;

const parse = (text: string | unknown, field: 'data' | 'metadata', type: string): E.Either<InvalidInput, unknown> => {
  if (typeof text !== 'string') return E.right(text);
  try {
    return E.right(JSON.parse(text));
  } catch (e) {
    return E.left(invalidInput(`${type} event`, [{ path: field, message: `is not valid JSON (${(e as Error).message})` }]));
  }
};

const prefixed = (problem: InvalidInput, prefix: string): InvalidInput =>
  invalidInput(
    problem.subject,
    problem.problems.map((p) => ({ path: p.path ? `${prefix}/${p.path}` : prefix, message: p.message })),
  );

/**
 * Decodes one stored row into a RecordedEvent, or throws StoredEventDecodeError. `schemaVersion`
 * stays the version the event was stored with; `data` is upcast to the current shape.
 */
export const recordedEventFrom = (row: StoredEventRow, decode: StoredEventDecoder = defaultDecoder): RecordedEvent => {
  const fail = (problem: InvalidInput): never => {
    throw new StoredEventDecodeError(row.streamName, row.streamRevision, row.globalPosition, row.type, problem);
  };
  const data = parse(row.data, 'data', row.type);
  if (E.isLeft(data)) return fail(data.left);
  const decoded = decode({ type: row.type, schemaVersion: row.schemaVersion, data: data.right });
  if (E.isLeft(decoded)) return fail(decoded.left);
  const rawMetadata = parse(row.metadata, 'metadata', row.type);
  if (E.isLeft(rawMetadata)) return fail(rawMetadata.left);
  const metadata = decodeMetadata(rawMetadata.right);
  if (E.isLeft(metadata)) return fail(prefixed(metadata.left, 'metadata'));
  return {
    eventId: row.eventId,
    type: decoded.right.type,
    schemaVersion: row.schemaVersion,
    data: decoded.right.data,
    metadata: metadata.right,
    streamName: row.streamName,
    streamRevision: row.streamRevision,
    globalPosition: row.globalPosition,
  };
};

/** Expected-revision check shared by the stores that keep streams themselves (memory, SQL). */
export const revisionMatches = (expected: 'no-stream' | 'any' | bigint, actual: bigint | 'no-stream'): boolean =>
  expected === 'any' ? true : expected === 'no-stream' ? actual === 'no-stream' : actual !== 'no-stream' && actual === expected;
