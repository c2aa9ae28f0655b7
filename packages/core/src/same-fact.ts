// Idempotency by business id, shared by every aggregate: the same fact is the same data whoever
// entered it and under whichever command id (two clerks keying one paper receipt). Data that
// cannot be written as JSON (a NaN total of a bill whose lines leave the safe range, a NaN
// amount handed to decide without decoding) was never recorded, so it is no recorded fact.
import { canonicalJson } from './canonical-json.js';

const factKey = (data: object): string | null => {
  const { commandId: _c, actor: _a, ...rest } = data as Record<string, unknown>;
  try {
    return canonicalJson(rest);
  } catch {
    return null;
  }
};

/** Whether a candidate event's data states the same fact as one already recorded. */
export const sameFact = (recorded: object, candidate: object): boolean => {
  const key = factKey(candidate);
  return key !== null && factKey(recorded) === key;
};
