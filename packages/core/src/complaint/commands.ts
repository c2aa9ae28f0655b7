// The commands of a complaint case, as JSON. Strict: an unknown field is an error. The days a
// case is due to be followed up are business days in the ledger's zone, given by the caller.
import * as t from 'io-ts';
import type * as E from 'fp-ts/lib/Either.js';
import { BusinessDateC, InstantC } from '../calendar.js';
import { ContractIdC, IdC, TextC } from '../ids.js';
import { oneOf, shape, tagged } from '../shape.js';
import { decodeWith, type InvalidInput } from '../validation.js';
import { COMPLAINT_OUTCOMES, complaintShapes, SATISFACTION_LEVELS } from './shapes.js';

const s = complaintShapes(true);
const base = { commandId: IdC, caseId: IdC, actor: IdC, at: InstantC };
const command = <T extends string, R extends t.Props, O extends t.Props = Record<never, never>>(type: T, required: R, optional?: O) =>
  shape(`${type} command`, { type: t.literal(type), ...base, ...required }, optional ?? ({} as O));

export const OpenComplaintC = command(
  'OpenComplaint',
  { contractId: ContractIdC, openedBy: TextC, about: s.about, summary: TextC, receivedOn: BusinessDateC, followUpBy: BusinessDateC },
  { channel: TextC },
);
export const AssignComplaintC = command('AssignComplaint', { owner: IdC });
export const FollowUpComplaintC = command('FollowUpComplaint', { followUpId: IdC, note: TextC }, { nextFollowUpBy: BusinessDateC });
export const ResolveComplaintC = command(
  'ResolveComplaint',
  { outcome: oneOf(COMPLAINT_OUTCOMES), solution: TextC },
  { compensation: s.compensation, checkBy: BusinessDateC },
);
export const CloseComplaintC = command('CloseComplaint', { satisfaction: oneOf(SATISFACTION_LEVELS) }, { note: TextC, lesson: TextC });

export const ComplaintCommandC = tagged('ComplaintCommand', 'type', {
  OpenComplaint: OpenComplaintC,
  AssignComplaint: AssignComplaintC,
  FollowUpComplaint: FollowUpComplaintC,
  ResolveComplaint: ResolveComplaintC,
  CloseComplaint: CloseComplaintC,
});

export type OpenComplaint = t.TypeOf<typeof OpenComplaintC>;
export type AssignComplaint = t.TypeOf<typeof AssignComplaintC>;
export type FollowUpComplaint = t.TypeOf<typeof FollowUpComplaintC>;
export type ResolveComplaint = t.TypeOf<typeof ResolveComplaintC>;
export type CloseComplaint = t.TypeOf<typeof CloseComplaintC>;
export type ComplaintCommand = t.TypeOf<typeof ComplaintCommandC>;

export const decodeComplaintCommand: (input: unknown) => E.Either<InvalidInput, ComplaintCommand> = decodeWith(
  ComplaintCommandC,
  'complaint command',
);
