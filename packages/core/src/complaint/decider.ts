// A complaint case as an aggregate: run by the same generic command handler as cycles and contracts.
import type { Aggregate } from '../aggregate.js';
import type { ComplaintCommand } from './commands.js';
import { decideComplaint, type ComplaintDuplicate } from './decide.js';
import type { ComplaintError } from './errors.js';
import { complaintEvents, type ComplaintEvent } from './events.js';
import { complaintFigures, evolveComplaint, initialComplaintState, type ComplaintFigures, type ComplaintState } from './state.js';
import { complaintStreamName } from './stream.js';

export const complaintDecider: Aggregate<
  ComplaintCommand,
  ComplaintEvent,
  ComplaintState,
  ComplaintError,
  ComplaintDuplicate,
  ComplaintFigures
> = {
  decide: decideComplaint,
  evolve: evolveComplaint,
  initialState: initialComplaintState,
  streamName: (command) => complaintStreamName(command.caseId),
  events: complaintEvents,
  figures: complaintFigures,
};
