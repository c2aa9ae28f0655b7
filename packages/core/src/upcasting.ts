// Stored events are never rewritten. When the meaning of an event's data changes, its schema
// version goes up and an upcaster turns the older data into the current shape as it is read.
// Upcasters chain: version 0 -> 1 -> 2 ...; the result is then validated by the event codec
// (see event-codec.ts, which runs these for every aggregate's events).
import * as E from 'fp-ts/lib/Either.js';
import { invalidInput, type InvalidInput } from './validation.js';
import type { StoredEventInput } from './event-codec.js';

/** Turns data of version `from` into data of version `from + 1`. */
export type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** Per event type, per source version. */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

/** Brings stored data up to `target`, the current schema version of its type. */
export const upcastTo = (
  stored: StoredEventInput,
  upcasters: Upcasters,
  target: number,
): E.Either<InvalidInput, { readonly type: string; readonly data: unknown }> => {
  if (stored.schemaVersion > target)
    return E.left(
      invalidInput(`${stored.type} event`, [
        {
          path: 'schemaVersion',
          message: `version ${stored.schemaVersion} is newer than this library knows (${target}): upgrade the library`,
        },
      ]),
    );
  let data = stored.data as Record<string, unknown>;
  for (let v = stored.schemaVersion; v < target; v++) {
    const step = upcasters[stored.type]?.[v];
    if (!step)
      return E.left(
        invalidInput(`${stored.type} event`, [{ path: 'schemaVersion', message: `no upcaster from version ${v} to ${v + 1}` }]),
      );
    data = step(data);
  }
  return E.right({ type: stored.type, data });
};

/** Brings stored data up to the current schema version of its type, as `current` lists them. */
export const upcast = (
  stored: StoredEventInput,
  upcasters: Upcasters,
  current: Readonly<Record<string, number>>,
): E.Either<InvalidInput, { readonly type: string; readonly data: unknown }> => {
  const target = Object.hasOwn(current, stored.type) ? current[stored.type] : undefined;
  if (target === undefined)
    return E.left(invalidInput(`${stored.type} event`, [{ path: 'type', message: `unknown event type ${JSON.stringify(stored.type)}` }]));
  return upcastTo(stored, upcasters, target);
};
