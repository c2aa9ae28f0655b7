// The shape every aggregate of the library has, as plain types (after Emmett's Decider):
// `decide` turns a command and the current state into events or a refusal; `evolve` folds one
// event into the state; `initialState` is the state of a stream with no events.
import type * as E from 'fp-ts/lib/Either.js';

export interface Decider<Command, Event, State, Error> {
  readonly decide: (command: Command, state: State) => E.Either<Error, readonly Event[]>;
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
