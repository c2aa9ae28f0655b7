// The shape every aggregate of the library has, as plain types (after Emmett's Decider):
// `decide` turns a command and the current state into a decision or a refusal; `evolve` folds one
// event into the state; `initialState` is the state of a stream with no events. As in Equinox, a
// decision carries a result beside its events: when it emits nothing, the fact the command
// repeats, so a caller can tell a duplicate from a command that had nothing to do.
import type * as E from 'fp-ts/lib/Either.js';

export interface Decision<Event, Duplicate = never> {
  readonly events: readonly Event[];
  /** Set when the command repeats a fact already recorded: nothing new is emitted. */
  readonly duplicate: Duplicate | null;
}

export interface Decider<Command, Event, State, Error, Duplicate = never> {
  readonly decide: (command: Command, state: State) => E.Either<Error, Decision<Event, Duplicate>>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/** Fold events into a state: `fold(decider)(events)` or from a given state. */
export const fold =
  <S, Ev>(decider: Pick<Decider<unknown, Ev, S, unknown>, 'evolve' | 'initialState'>) =>
  (events: Iterable<Ev>, from: S = decider.initialState()): S => {
    let state = from;
    for (const e of events) state = decider.evolve(state, e);
    return state;
  };
