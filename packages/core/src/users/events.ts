// The events of the ledger's users, on the one stream `renewal-users`. Loose, like every event.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { InstantC } from '../calendar.js';
import { StoredIdC, StoredTextC } from '../ids.js';
import { eventCodec } from '../event-codec.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';

const base = { commandId: StoredIdC, actor: StoredIdC, at: InstantC };

export const UserAdded = shape(
  'UserAdded event',
  {
    type: t.literal('UserAdded'),
    data: shape(
      'UserAdded data',
      { ...base, userId: StoredIdC, role: StoredIdC },
      { displayName: StoredTextC, passwordHash: t.string },
      false,
    ),
  },
  {},
  false,
);
export const UserDisabled = shape(
  'UserDisabled event',
  { type: t.literal('UserDisabled'), data: shape('UserDisabled data', { ...base, userId: StoredIdC }, { reason: StoredTextC }, false) },
  {},
  false,
);

export const UserEventC = tagged('UserEvent', 'type', { UserAdded, UserDisabled });
export type UserEvent = t.TypeOf<typeof UserEventC>;
export type UserAddedData = Extract<UserEvent, { type: 'UserAdded' }>['data'];
export type UserEventType = UserEvent['type'];

export const USER_SCHEMA_VERSION: Readonly<Record<UserEventType, number>> = { UserAdded: 1, UserDisabled: 1 };

export const decodeUserEvent: (input: unknown) => E.Either<InvalidInput, UserEvent> = decodeOwnedWith(UserEventC, 'user event');

export const userEvents = eventCodec<UserEvent>({ name: 'users', schemaVersions: USER_SCHEMA_VERSION, decode: decodeUserEvent });
