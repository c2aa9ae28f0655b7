// A signed-in user's session, as facts in the ledger's database: a service restarted on the same
// store keeps everyone signed in until their session expires, and a sign-out is recorded. One
// stream per session, `renewal-session-<sessionId>`, so checking a request reads two events, not
// every sign-in there ever was. The session id is a hash of the session's secret token, made
// outside the pure core: the store never holds anything that would let a reader act as the user.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { Aggregate } from '../aggregate.js';
import { InstantC, instantMillis, type Instant } from '../calendar.js';
import type { Decision } from '../decider.js';
import { eventCodec } from '../event-codec.js';
import { IdC, StoredIdC, StoredTextC, TextC } from '../ids.js';
import { sameFact } from '../same-fact.js';
import { shape, tagged } from '../shape.js';
import { decodeOwnedWith, decodeWith, type InvalidInput } from '../validation.js';

export const SESSION_STREAM_PREFIX = 'renewal-session-';

const commandBase = { commandId: IdC, actor: IdC, at: InstantC, sessionId: IdC, userId: IdC };
export const StartSessionC = shape('StartSession command', { type: t.literal('StartSession'), ...commandBase, expiresAt: InstantC }, {});
export const EndSessionC = shape('EndSession command', { type: t.literal('EndSession'), ...commandBase, reason: TextC }, {});
export const SessionCommandC = tagged('SessionCommand', 'type', { StartSession: StartSessionC, EndSession: EndSessionC });
export type SessionCommand = t.TypeOf<typeof SessionCommandC>;
export const decodeSessionCommand = (input: unknown): E.Either<InvalidInput, SessionCommand> =>
  decodeWith(SessionCommandC, 'session command')(input);

const eventBase = { commandId: StoredIdC, actor: StoredIdC, at: InstantC, sessionId: StoredIdC, userId: StoredIdC };
export const SessionStarted = shape(
  'SessionStarted event',
  {
    type: t.literal('SessionStarted'),
    data: shape('SessionStarted data', { ...eventBase, expiresAt: InstantC }, {}, false),
  },
  {},
  false,
);
export const SessionEnded = shape(
  'SessionEnded event',
  { type: t.literal('SessionEnded'), data: shape('SessionEnded data', { ...eventBase, reason: StoredTextC }, {}, false) },
  {},
  false,
);
export const SessionEventC = tagged('SessionEvent', 'type', { SessionStarted, SessionEnded });
export type SessionEvent = t.TypeOf<typeof SessionEventC>;
export type SessionEventType = SessionEvent['type'];
export type SessionStartedData = Extract<SessionEvent, { type: 'SessionStarted' }>['data'];
export type SessionEndedData = Extract<SessionEvent, { type: 'SessionEnded' }>['data'];

export const SESSION_SCHEMA_VERSION: Readonly<Record<SessionEventType, number>> = { SessionStarted: 1, SessionEnded: 1 };
export const decodeSessionEvent: (input: unknown) => E.Either<InvalidInput, SessionEvent> = decodeOwnedWith(SessionEventC, 'session event');
export const sessionEvents = eventCodec<SessionEvent>({
  name: 'sessions',
  schemaVersions: SESSION_SCHEMA_VERSION,
  decode: decodeSessionEvent,
});

export interface SessionState {
  readonly started: SessionStartedData | null;
  readonly ended: SessionEndedData | null;
  readonly commandIds: ReadonlySet<string>;
}

export interface SessionRuleDetails {
  SESSION_EXISTS: { sessionId: string };
  UNKNOWN_SESSION: { sessionId: string };
}
export type SessionRuleCode = keyof SessionRuleDetails;
export type SessionError = {
  [K in SessionRuleCode]: { readonly code: K; readonly message: string } & Readonly<SessionRuleDetails[K]>;
}[SessionRuleCode];

export interface SessionDuplicate {
  readonly key: 'commandId' | 'sessionId';
  readonly id: string;
}

export const initialSession = (): SessionState => ({ started: null, ended: null, commandIds: new Set() });

export const evolveSession = (state: SessionState, event: SessionEvent): SessionState => {
  const commandIds = new Set(state.commandIds).add(event.data.commandId);
  return event.type === 'SessionStarted' ? { ...state, started: event.data, commandIds } : { ...state, ended: event.data, commandIds };
};

const decideSession = (c: SessionCommand, state: SessionState): E.Either<SessionError, Decision<SessionEvent, SessionDuplicate>> => {
  if (state.commandIds.has(c.commandId)) return E.right({ events: [], duplicate: { key: 'commandId', id: c.commandId } });
  const { type: _type, ...data } = c;
  if (c.type === 'StartSession') {
    if (state.started === null) return E.right({ events: [{ type: 'SessionStarted', data: data as SessionStartedData }], duplicate: null });
    return sameFact(state.started, data)
      ? E.right({ events: [], duplicate: { key: 'sessionId', id: c.sessionId } })
      : E.left({ code: 'SESSION_EXISTS', message: `session ${c.sessionId} was started already`, sessionId: c.sessionId });
  }
  if (state.started === null)
    return E.left({ code: 'UNKNOWN_SESSION', message: `no session ${c.sessionId} was started`, sessionId: c.sessionId });
  // Ended already (signed out, or its user disabled): ending it again changes nothing.
  if (state.ended !== null) return E.right({ events: [], duplicate: { key: 'sessionId', id: c.sessionId } });
  return E.right({ events: [{ type: 'SessionEnded', data: data as SessionEndedData }], duplicate: null });
};

/** Whether a session lets its user act at `now`: started, not ended, not expired. */
export const sessionIsLive = (state: SessionState, now: Instant): boolean =>
  state.started !== null && state.ended === null && instantMillis(now) < instantMillis(state.started.expiresAt);

/** A session of the property service (or any program that signs users in), one stream each. */
export const sessionDecider: Aggregate<SessionCommand, SessionEvent, SessionState, SessionError, SessionDuplicate, SessionState> = {
  decide: decideSession,
  evolve: evolveSession,
  initialState: initialSession,
  streamName: (c) => `${SESSION_STREAM_PREFIX}${c.sessionId}`,
  events: sessionEvents,
  figures: (state) => state,
};
