// biome-ignore-all lint/suspicious/noExplicitAny: `AnyAggregate` and the types read off it match every aggregate (see there)
// An aggregate as the generic command handler (@renewal-ledger/eventstore) runs it: its Decider,
// plus the stream each command goes to, its events' codec (schema versions, validation, and the
// typed way from a stored event back to one of its events) and the figures a caller is answered
// with after a command. The renewal cycle (`renewalCycle`) and the contract (`contractDecider`)
// are two of these; a user's own aggregate is a third, run by the same handler.
import type { AccessHooks } from './access/authorise.js';
import type { Decider } from './decider.js';
import type { DomainEvent, EventCodec } from './event-codec.js';

/** What every command carries, whatever its aggregate: the idempotency key and who asked. */
export interface AggregateCommand {
  readonly commandId: string;
  readonly actor: string;
}

export interface Aggregate<Command extends AggregateCommand, Event extends DomainEvent, State, Error, Duplicate, Figures>
  extends Decider<Command, Event, State, Error, Duplicate> {
  /** The stream a command is decided on and appended to: one stream per aggregate instance. */
  readonly streamName: (command: Command) => string;
  /** Its events' schema versions, validation, and `of` (a stored event back to one of its events). */
  readonly events: EventCodec<Event>;
  /** What a caller is told after an applied command, from the state right after it. */
  readonly figures: (state: State) => Figures;
  /** What the access check needs beyond the command's type (docs/roles-and-approvals.md); none: the type alone. */
  readonly access?: AccessHooks<Command, State>;
}

// `any` is the point of these: they match every aggregate, whatever its types (`unknown` would not:
// a decider's command is a parameter, so an aggregate of one command type is not one of unknown).
export type AnyAggregate = Aggregate<any, any, any, any, any, any>;

export type CommandOf<A extends AnyAggregate> = A extends Aggregate<infer C, any, any, any, any, any> ? C : never;
export type EventOf<A extends AnyAggregate> = A extends Aggregate<any, infer Ev, any, any, any, any> ? Ev : never;
export type StateOf<A extends AnyAggregate> = A extends Aggregate<any, any, infer S, any, any, any> ? S : never;
export type ErrorOf<A extends AnyAggregate> = A extends Aggregate<any, any, any, infer Err, any, any> ? Err : never;
export type DuplicateOf<A extends AnyAggregate> = A extends Aggregate<any, any, any, any, infer D, any> ? D : never;
export type FiguresOf<A extends AnyAggregate> = A extends Aggregate<any, any, any, any, any, infer F> ? F : never;
