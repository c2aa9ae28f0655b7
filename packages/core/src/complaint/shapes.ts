// The shapes a complaint case shares between its commands and its events: what it is about, how
// it was settled, and how satisfied the customer was at the end.
import type * as t from 'io-ts';
import { CurrencyC, IdC, StoredCurrencyC, StoredIdC, StoredTextC, TextC } from '../ids.js';
import { PositiveMinorUnitsC } from '../money.js';
import { oneOf, shape } from '../shape.js';

/** What a complaint is about (the course: a bill, the service, the person who collected). */
export const COMPLAINT_SUBJECTS = ['bill', 'service', 'collector'] as const;
export type ComplaintSubject = (typeof COMPLAINT_SUBJECTS)[number];

/** How a case was resolved: an answer or fix (solution), or money given back as an adjustment (compensation). */
export const COMPLAINT_OUTCOMES = ['solution', 'compensation'] as const;
export type ComplaintOutcome = (typeof COMPLAINT_OUTCOMES)[number];

/** The customer's word when the case is closed. */
export const SATISFACTION_LEVELS = ['satisfied', 'partly-satisfied', 'not-satisfied'] as const;
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];

export const complaintShapes = (strict: boolean) => {
  const id = strict ? IdC : StoredIdC;
  const text = strict ? TextC : StoredTextC;
  /** `subject` names what the case is about: the cycle of a bill, a service's name, a collector's id. */
  const about = shape('ComplaintAbout', { subject: oneOf(COMPLAINT_SUBJECTS), ref: id }, {}, strict);
  /**
   * A compensation is an `Adjust` of a cycle (adjustmentId on that cycle), issued through the
   * access check: `approval` says whether it moved the money or waits as a request.
   */
  const compensation = shape(
    'ComplaintCompensation',
    {
      cycleId: id,
      adjustmentId: id,
      amountMinor: PositiveMinorUnitsC,
      currency: strict ? CurrencyC : StoredCurrencyC,
      approval: oneOf(['adjusted', 'requested'] as const),
    },
    {},
    strict,
  );
  return { about, compensation, text };
};

export type ComplaintAbout = t.TypeOf<ReturnType<typeof complaintShapes>['about']>;
export type ComplaintCompensation = t.TypeOf<ReturnType<typeof complaintShapes>['compensation']>;
