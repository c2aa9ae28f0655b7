// A renewal cycle as an aggregate: its Decider (decideCycle, evolveCycle), the stream of a cycle,
// its events' codec and its figures. What the generic command handler, tests and users run.
import type { Aggregate } from '../aggregate.js';
import { cycleStreamName } from '../ids.js';
import { cycleAccess } from './access.js';
import type { RenewalCommand } from './commands.js';
import { decideCycle, type Duplicate } from './decide.js';
import type { RenewalError } from './errors.js';
import { cycleEvents, type RenewalEvent } from './events.js';
import { cycleFigures, type CycleFigures } from './figures.js';
import { evolveCycle, initialCycleState, type CycleState } from './state.js';

export const renewalCycle: Aggregate<RenewalCommand, RenewalEvent, CycleState, RenewalError, Duplicate, CycleFigures> = {
  decide: decideCycle,
  evolve: evolveCycle,
  initialState: initialCycleState,
  streamName: (command) => cycleStreamName(command.cycleId),
  events: cycleEvents,
  figures: cycleFigures,
  access: cycleAccess,
};
