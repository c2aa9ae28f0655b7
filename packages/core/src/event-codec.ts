// What a store needs to know about one aggregate's events to decode them as it reads: every event
// type with the schema version it is written with today, how to validate one, and how to bring an
// older version up to date. Codecs compose: `storedEventDecoder(...LEDGER_EVENT_CODECS, mine)` is
// the decoder of a store that holds the ledger's events and a user's own aggregate's.
import * as E from 'fp-ts/lib/Either.js';
import { upcastTo, type Upcasters } from './upcasting.js';
import { invalidInput, type InvalidInput } from './validation.js';

/** An event as aggregates decide and fold it: a type and its data. */
export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
}

/** A stored event's type, schema version and data, as a store hands it to its decoder. */
export interface StoredEventInput {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

/**
 * Turns a stored event into the current shape of its data, or says why it cannot (paths relative
 * to `{ type, data }`, e.g. `data/amountMinor`). Every store takes one (`decode`).
 */
export type StoredEventDecoder = (stored: StoredEventInput) => E.Either<InvalidInput, DomainEvent>;

export interface EventCodecSpec<Ev extends DomainEvent> {
  /** Names the aggregate in messages: `renewal cycle`. */
  readonly name: string;
  /** Every event type of the aggregate, with the schema version it is written with today. */
  readonly schemaVersions: Readonly<Record<Ev['type'], number>>;
  /** Validates an event whose data is at the current version. */
  readonly decode: (event: DomainEvent) => E.Either<InvalidInput, Ev>;
  /** Older versions of the data brought up to date, per type and source version. Default none. */
  readonly upcasters?: Upcasters;
}

export interface EventCodec<Ev extends DomainEvent> extends EventCodecSpec<Ev> {
  /** Its event types, in the order of `schemaVersions`. */
  readonly types: readonly Ev['type'][];
  /** Whether a type is one of this aggregate's events. */
  readonly owns: (type: string) => type is Ev['type'];
  /**
   * The aggregate's event, from an event a store has read (and so decoded with this codec): the
   * one typed way from a `RecordedEvent` (or a row of one's own) to what `evolve` folds. It
   * returns the event itself, narrowed, so folding allocates nothing. A type that is not this
   * aggregate's is a TypeError naming it: a stream holding another aggregate's events.
   */
  readonly of: (event: DomainEvent) => Ev;
}

export const eventCodec = <Ev extends DomainEvent>(spec: EventCodecSpec<Ev>): EventCodec<Ev> => {
  const versions = spec.schemaVersions as Readonly<Record<string, number>>;
  const owns = (type: string): type is Ev['type'] => Object.hasOwn(versions, type);
  return {
    ...spec,
    types: Object.keys(versions) as Ev['type'][],
    owns,
    of: (event) => {
      if (!owns(event.type))
        throw new TypeError(`${JSON.stringify(event.type)} is not a ${spec.name} event (${Object.keys(versions).join(', ')})`);
      return event as Ev;
    },
  };
};

interface Registered {
  readonly codec: EventCodec<DomainEvent>;
  readonly version: number;
  readonly upcasters: Upcasters;
}

export interface StoredEventDecoderOptions {
  /** Upcasters that take the place of the codecs' own for the types they name (tests, migrations). */
  readonly upcasters?: Upcasters;
}

/**
 * One decoder for every event of the codecs given: it upcasts the stored data to the current
 * version of its type and validates it with its aggregate's codec. An event type named by two
 * codecs is a TypeError at once, not a silent choice later.
 */
export const storedEventDecoder = (
  // biome-ignore lint/suspicious/noExplicitAny: codecs of different aggregates' events, each with its own type
  codecs: readonly EventCodec<any>[],
  options: StoredEventDecoderOptions = {},
): StoredEventDecoder => {
  const byType = new Map<string, Registered>();
  for (const codec of codecs) {
    for (const [type, version] of Object.entries(codec.schemaVersions as Readonly<Record<string, number>>)) {
      const taken = byType.get(type);
      if (taken) throw new TypeError(`event type ${type} is registered twice: by ${taken.codec.name} and by ${codec.name}`);
      byType.set(type, { codec, version, upcasters: options.upcasters?.[type] ? options.upcasters : (codec.upcasters ?? {}) });
    }
  }
  return (stored) => {
    const registered = byType.get(stored.type);
    if (!registered)
      return E.left(invalidInput(`${stored.type} event`, [{ path: 'type', message: `unknown event type ${JSON.stringify(stored.type)}` }]));
    // A plain branch rather than pipe + E.chain: this runs once per event read, and fp-ts's
    // data-first/data-last `dual` copies its arguments into arrays on every call (measured at
    // about 5% of a rehydrate in benchmarks).
    const upcasted = upcastTo(stored, registered.upcasters, registered.version);
    if (E.isLeft(upcasted)) return upcasted;
    return registered.codec.decode(upcasted.right);
  };
};

/** The schema version of every type of the codecs given. */
// biome-ignore lint/suspicious/noExplicitAny: codecs of different aggregates' events, each with its own type
export const schemaVersionsOf = (codecs: readonly EventCodec<any>[]): Readonly<Record<string, number>> =>
  Object.assign({}, ...codecs.map((c) => c.schemaVersions)) as Readonly<Record<string, number>>;
