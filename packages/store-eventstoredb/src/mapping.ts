// How the library's events, revisions and errors map onto EventStoreDB's, as pure functions.
//
// - Expected revision: `no-stream` -> NO_STREAM, `any` -> ANY, a bigint -> the same bigint (both
//   count a stream's first event as revision 0).
// - An event is a JSON event: its UUID derives from the library's event id (see event-id.ts); the
//   library's event id and schema version travel in the metadata, next to the library's metadata
//   and EventStoreDB's own `$correlationId` / `$causationId` (which its projections and UI read).
//   A command that starts its own conversation is its own correlation and cause.
// - Global position: the event's commit position in `$all`.
import {
  ANY,
  NO_STREAM,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type JSONType,
  type ResolvedEvent,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import { invalidInput, type NewEvent, type Problem } from '@renewal-ledger/core';
import {
  serverOfUrl,
  StoreUnavailableError,
  StoredEventDecodeError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type StoredEventRow,
} from '@renewal-ledger/eventstore';
import { eventUuid } from './event-id.js';

export const toEsdbExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision =>
  expected === 'no-stream' ? NO_STREAM : expected === 'any' ? ANY : expected;

export const fromEsdbCurrentRevision = (current: CurrentRevision): bigint | 'no-stream' => (current === NO_STREAM ? 'no-stream' : current);

/** The port's error for EventStoreDB's WrongExpectedVersionError; null for any other error. */
export const wrongExpectedRevisionFrom = (
  error: unknown,
  streamName: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError | null =>
  error instanceof WrongExpectedVersionError
    ? new WrongExpectedRevisionError(streamName, expected, fromEsdbCurrentRevision(error.actualVersion))
    : null;

/**
 * The port's StoreUnavailableError for a server the client cannot reach (gRPC UNAVAILABLE: down,
 * a wrong host or port, a dropped connection); any other error as it is. gRPC's message
 * (`14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED ...`) is cut
 * down to its cause. `server`: the connection string, of which only host and port are said.
 */
export const esdbUnavailableOr = (error: unknown, connectionString: string | undefined): unknown => {
  if (!(error instanceof UnavailableError)) return error;
  const cause =
    /Last error: (?:Error: )?(.*?)\.?\s*(?:Resolution note:.*)?$/s.exec(error.message)?.[1] ||
    error.message.replace(/^14 UNAVAILABLE:\s*/, '');
  const server = serverOfUrl(connectionString ?? '', 2113).replace(/\/$/, '');
  return new StoreUnavailableError(`could not reach EventStoreDB at ${server}: ${cause}`, { cause: error });
};

/** The metadata as stored in EventStoreDB. */
export interface EsdbEventMetadata {
  readonly [key: string]: unknown;
  readonly eventId: string;
  readonly schemaVersion: number;
  readonly $correlationId: string;
  readonly $causationId: string;
}

export const esdbMetadataOf = (e: NewEvent): EsdbEventMetadata => ({
  ...e.metadata,
  eventId: e.eventId,
  schemaVersion: e.schemaVersion,
  $correlationId: e.metadata.correlationId ?? e.metadata.commandId,
  $causationId: e.metadata.causationId ?? e.metadata.commandId,
});

export const toEventData = (e: NewEvent): EventData =>
  jsonEvent({
    id: eventUuid(e.eventId),
    type: e.type,
    data: e.data as JSONType,
    metadata: esdbMetadataOf(e) as unknown as JSONType,
  });

/** Servers that cannot tell an event's position on a stream read send the largest 64-bit value. */
const NO_POSITION = 2n ** 64n - 1n;
export const knownPosition = (p: bigint | undefined): bigint | undefined =>
  p === undefined || p === NO_POSITION || p < 0n ? undefined : p;

type EsdbRecorded = NonNullable<ResolvedEvent['event']> | NonNullable<AllStreamResolvedEvent['event']>;

/** EventStoreDB's own events (`$`-typed: stream metadata, links, statistics) and `$` streams. */
export const isSystemEvent = (e: { readonly type: string; readonly streamId: string }): boolean =>
  e.type.startsWith('$') || e.streamId.startsWith('$');

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u) && !(u instanceof Uint8Array);

/**
 * A recorded EventStoreDB event as the row every store decodes (see `recordedEventFrom`). Throws
 * StoredEventDecodeError when the metadata lacks what this library writes (the event was not
 * written by it, or by a version that did not know this layout).
 */
export const storedRowOf = (e: EsdbRecorded, commitPosition?: bigint): StoredEventRow => {
  const position = knownPosition(e.position?.commit) ?? knownPosition(commitPosition);
  if (position === undefined)
    throw new Error(
      `EventStoreDB returned no position for ${e.streamId}@${e.revision}: servers before 22.6 do not; use EventStoreDB 22.10 or later`,
    );
  const metadata = isRecord(e.metadata) ? e.metadata : undefined;
  const problems: Problem[] = [];
  const eventId = metadata?.eventId;
  const schemaVersion = metadata?.schemaVersion;
  if (!metadata) problems.push({ path: 'metadata', message: 'is not a JSON object' });
  else {
    if (typeof eventId !== 'string' || eventId.length === 0)
      problems.push({ path: 'metadata/eventId', message: 'is required: expected the library event id' });
    if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion < 0)
      problems.push({ path: 'metadata/schemaVersion', message: 'is required: expected a non-negative integer' });
  }
  if (problems.length > 0)
    throw new StoredEventDecodeError(e.streamId, e.revision, position, e.type, invalidInput(`${e.type} event`, problems));
  // The keys this adapter added on the way in go; the library's metadata is what remains.
  const { eventId: _id, schemaVersion: _version, $correlationId: _correlation, $causationId: _causation, ...libraryMetadata } = metadata!;
  return {
    streamName: e.streamId,
    streamRevision: e.revision,
    globalPosition: position,
    eventId: eventId as string,
    type: e.type,
    schemaVersion: schemaVersion as number,
    data: e.data,
    metadata: libraryMetadata,
  };
};
