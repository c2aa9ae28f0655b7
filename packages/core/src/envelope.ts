// The envelope every stored event travels in: its id, type, schema version, data and metadata
// (who, why, when recorded), plus where the store put it. Stores write `NewEvent`s and read
// `RecordedEvent`s; the codecs here are what they validate against.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { InstantC, type Instant } from './calendar.js';
import { StoredIdC } from './ids.js';
import { shape } from './shape.js';
import { decodeWith, invalidInput, type InvalidInput } from './validation.js';

export const EventMetadataC = shape(
  'EventMetadata',
  { commandId: StoredIdC, actor: StoredIdC, recordedAt: InstantC },
  // role: the actor's role when the command was checked against an access policy (docs/roles-and-approvals.md).
  { correlationId: StoredIdC, causationId: StoredIdC, role: StoredIdC },
  false,
);
export type EventMetadata = t.TypeOf<typeof EventMetadataC>;

const NonNegativeIntC = new t.Type<number, number, unknown>(
  'a non-negative integer',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  (a) => a,
);

/** An event about to be appended: the store assigns revision and position. */
export const NewEventC = shape(
  'NewEvent',
  {
    eventId: StoredIdC,
    type: t.string,
    schemaVersion: NonNegativeIntC,
    data: t.UnknownRecord,
    metadata: EventMetadataC,
  },
  {},
  false,
);
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/** An event as a store returns it. `globalPosition` orders all events of all streams. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  readonly streamName: string;
  /** 0 for a stream's first event (as EventStoreDB counts). */
  readonly streamRevision: bigint;
  readonly globalPosition: bigint;
}

const decodeMetadataSlowly = decodeWith(EventMetadataC, 'event metadata');

/**
 * Every stored event's metadata goes through here. Valid metadata (the allocation-free `is`
 * check) comes back as the same shallow copy the full decode makes, without building io-ts
 * contexts per field; anything else takes the full decode for its problems.
 */
export const decodeMetadata = (u: unknown): E.Either<InvalidInput, EventMetadata> =>
  EventMetadataC.is(u) ? E.right({ ...(u as EventMetadata) }) : decodeMetadataSlowly(u);

/** Deterministic event id: the same decision retried gets the same ids, so stores keep it once. */
export const eventIdFor = (commandId: string, index: number): string => `${commandId}#${index}`;

export interface EnvelopeOptions {
  readonly recordedAt: Instant;
  readonly actor: string;
  readonly commandId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly role?: string;
}

/** Wraps events decided for one command in envelopes with derived ids and shared metadata. */
export const envelope = <Ev extends { readonly type: string; readonly data: unknown }>(
  events: readonly Ev[],
  options: EnvelopeOptions,
  schemaVersionOf: (type: Ev['type']) => number,
): NewEvent<Ev['type'], Ev['data']>[] =>
  events.map((e, i) => ({
    eventId: eventIdFor(options.commandId, i),
    type: e.type,
    schemaVersion: schemaVersionOf(e.type),
    data: e.data,
    metadata: metadataOf(options),
  }));

/**
 * The metadata of one envelope, keys in this order (the stored JSON text follows it), the optional
 * ones only when set: assigned rather than spread, as every command handled builds one.
 */
const metadataOf = (options: EnvelopeOptions): EventMetadata => {
  const metadata: { -readonly [K in keyof EnvelopeOptions]: EnvelopeOptions[K] } = {
    commandId: options.commandId,
    actor: options.actor,
    recordedAt: options.recordedAt,
  };
  if (options.correlationId) metadata.correlationId = options.correlationId;
  if (options.causationId) metadata.causationId = options.causationId;
  if (options.role) metadata.role = options.role;
  return metadata as EventMetadata;
};

export { invalidInput };
