// Given / when / then for deciders, so users test their own policies the way the core tests
// itself:
//
//   const given = DeciderSpecification.for(renewalCycle);
//   given([billed]).when(payment).then([paid]);
//   given([billed]).when(tooMuch).thenFails({ code: 'OVERPAYMENT', outstandingMinor: 31520 });
//
// It throws a plain Error on a mismatch, so it works under any test runner.
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from './canonical-json.js';
import { fold, type Decider } from './decider.js';

const pretty = (u: unknown): string => {
  try {
    return JSON.stringify(JSON.parse(canonicalJson(u)), null, 2);
  } catch {
    return String(u);
  }
};

export class SpecificationError extends Error {
  override readonly name = 'SpecificationError';
  constructor(
    message: string,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {
    super(`${message}\nexpected: ${pretty(expected)}\nactual:   ${pretty(actual)}`);
  }
}

export interface Then<Ev, S, Err> {
  /** The command emits exactly these events. */
  readonly then: (expected: readonly Ev[]) => void;
  /** The command is accepted and emits nothing (a duplicate). */
  readonly thenNothing: () => void;
  /** The command is refused; every field given must match. Returns the error for more checks. */
  readonly thenFails: (expected?: Partial<Err> | ((error: Err) => boolean)) => Err;
  /** The command is accepted; check the state after its events. Returns that state. */
  readonly thenState: (check?: (state: S) => boolean) => S;
}

export const DeciderSpecification = {
  for:
    <C, Ev, S, Err, Dup>(decider: Decider<C, Ev, S, Err, Dup>) =>
    (given: readonly Ev[]) => ({
      when: (command: C): Then<Ev, S, Err> => {
        const state = fold(decider)(given);
        const result = decider.decide(command, state);
        const accepted = (what: string): readonly Ev[] => {
          if (E.isLeft(result)) throw new SpecificationError(`expected ${what}, but the command was refused`, what, result.left);
          return result.right.events;
        };
        return {
          // biome-ignore lint/suspicious/noThenProperty: Given/When/Then is the specification's vocabulary; nothing awaits this object
          then: (expected) => {
            const events = accepted('events');
            if (canonicalJson(events) !== canonicalJson(expected))
              throw new SpecificationError('the command emitted other events', expected, events);
          },
          thenNothing: () => {
            const events = accepted('no events');
            if (events.length) throw new SpecificationError('expected no events (a duplicate)', [], events);
          },
          thenFails: (expected) => {
            if (E.isRight(result))
              throw new SpecificationError('expected a refusal, but the command was accepted', expected ?? 'an error', result.right.events);
            const error = result.left;
            if (typeof expected === 'function') {
              if (!expected(error)) throw new SpecificationError('the refusal did not pass the check', 'a passing error', error);
            } else if (expected) {
              const actual = error as Record<string, unknown>;
              for (const [k, v] of Object.entries(expected)) {
                if (canonicalJson(actual[k]) !== canonicalJson(v))
                  throw new SpecificationError(`the refusal differs in ${k}`, expected, error);
              }
            }
            return error;
          },
          thenState: (check) => {
            const events = accepted('a new state');
            const after = fold(decider)(events, state);
            if (check && !check(after)) throw new SpecificationError('the state did not pass the check', 'a passing state', after);
            return after;
          },
        };
      },
    }),
};
