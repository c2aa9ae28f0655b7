// A fact cannot be recorded before it happened. A command's `at` is when it happened in the world
// (the payment was taken); `metadata.recordedAt` is when the ledger learnt of it. An offline
// payment keyed in on Wednesday for Monday is fine (`at` before `recordedAt`, by any gap); a
// payment "taken" tomorrow, or recorded at an instant given by hand (`renewal apply
// --recorded-at`) before the time it claims to have happened, is a mistake no business rule
// would see: the generic command handler refuses it for every aggregate, with both instants.
import { instantMillis, type Instant } from './calendar.js';

export interface RecordedBeforeItHappened {
  readonly code: 'RECORDED_BEFORE_IT_HAPPENED';
  readonly message: string;
  readonly commandId: string;
  /** When the command says it happened. */
  readonly at: Instant;
  /** When it would have been recorded: earlier than `at`. */
  readonly recordedAt: Instant;
}

/** The refusal of a command whose `at` is after the instant it would be recorded at; null when it is not. */
export const recordedBeforeItHappened = (commandId: string, at: Instant, recordedAt: Instant): RecordedBeforeItHappened | null =>
  instantMillis(at) > instantMillis(recordedAt)
    ? {
        code: 'RECORDED_BEFORE_IT_HAPPENED',
        message: `command ${commandId} says it happened at ${at} but would be recorded at ${recordedAt}, earlier: a fact cannot be recorded before it happened (check at, or the recorded time)`,
        commandId,
        at,
        recordedAt,
      }
    : null;
