// A renewal cycle as a Decider: what stores, handlers and tests use.
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Decider } from '../decider.js';
import type { RenewalCommand } from './commands.js';
import { decideCycle } from './decide.js';
import type { RenewalError } from './errors.js';
import type { RenewalEvent } from './events.js';
import { evolveCycle, initialCycleState, type CycleState } from './state.js';

export const renewalCycle: Decider<RenewalCommand, RenewalEvent, CycleState, RenewalError> = {
  decide: (command, state) =>
    pipe(
      decideCycle(command, state),
      E.map((d) => d.events),
    ),
  evolve: evolveCycle,
  initialState: initialCycleState,
};
