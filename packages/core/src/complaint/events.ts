// The events of a complaint case, in the stream `complaint-<caseId>`. Loose like every event.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { StoredContractIdC, StoredIdC, StoredTextC } from '../ids.js';
import { eventCodec } from '../event-codec.js';
import { oneOf, shape, tagged } from '../shape.js';
import { decodeOwnedWith, type InvalidInput } from '../validation.js';
import { COMPLAINT_OUTCOMES, complaintShapes, SATISFACTION_LEVELS } from './shapes.js';

const s = complaintShapes(false);
const base = { caseId: StoredIdC, commandId: StoredIdC, actor: StoredIdC, at: InstantC };
const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) => {
  const data = shape(`${type} data`, { ...base, ...required }, optional ?? ({} as O), false);
  return { data, codec: shape(`${type} event`, { type: t.literal(type), data }, {}, false) };
};

export const ComplaintOpened = event(
  'ComplaintOpened',
  {
    contractId: StoredContractIdC,
    openedBy: StoredTextC,
    about: s.about,
    summary: StoredTextC,
    receivedOn: BusinessDateC,
    followUpBy: BusinessDateC,
  },
  { channel: StoredTextC },
);
export const ComplaintAssigned = event('ComplaintAssigned', { owner: StoredIdC });
export const ComplaintFollowedUp = event(
  'ComplaintFollowedUp',
  { followUpId: StoredIdC, note: StoredTextC },
  { nextFollowUpBy: BusinessDateC },
);
export const ComplaintResolved = event(
  'ComplaintResolved',
  { outcome: oneOf(COMPLAINT_OUTCOMES), solution: StoredTextC },
  { compensation: s.compensation, checkBy: BusinessDateC },
);
export const ComplaintClosed = event(
  'ComplaintClosed',
  { satisfaction: oneOf(SATISFACTION_LEVELS) },
  { note: StoredTextC, lesson: StoredTextC },
);

export const ComplaintEventC = tagged('ComplaintEvent', 'type', {
  ComplaintOpened: ComplaintOpened.codec,
  ComplaintAssigned: ComplaintAssigned.codec,
  ComplaintFollowedUp: ComplaintFollowedUp.codec,
  ComplaintResolved: ComplaintResolved.codec,
  ComplaintClosed: ComplaintClosed.codec,
});

export type ComplaintOpenedData = t.TypeOf<typeof ComplaintOpened.data>;
export type ComplaintAssignedData = t.TypeOf<typeof ComplaintAssigned.data>;
export type ComplaintFollowedUpData = t.TypeOf<typeof ComplaintFollowedUp.data>;
export type ComplaintResolvedData = t.TypeOf<typeof ComplaintResolved.data>;
export type ComplaintClosedData = t.TypeOf<typeof ComplaintClosed.data>;
export type ComplaintEvent = t.TypeOf<typeof ComplaintEventC>;
export type ComplaintEventType = ComplaintEvent['type'];

export const COMPLAINT_SCHEMA_VERSION: Readonly<Record<ComplaintEventType, number>> = {
  ComplaintOpened: 1,
  ComplaintAssigned: 1,
  ComplaintFollowedUp: 1,
  ComplaintResolved: 1,
  ComplaintClosed: 1,
};

const decodeComplaintEvent: (input: unknown) => E.Either<InvalidInput, ComplaintEvent> = decodeOwnedWith(
  ComplaintEventC,
  'complaint event',
);

/** The complaint cases' events for stores and handlers. */
export const complaintEvents = eventCodec<ComplaintEvent>({
  name: 'complaint',
  schemaVersions: COMPLAINT_SCHEMA_VERSION,
  decode: decodeComplaintEvent,
});
