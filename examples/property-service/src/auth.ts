// Who is asking: the property service's users are the ledger's (renewal users add, kept as events
// on renewal-users), signed in with a password checked against its scrypt hash. A sign-in opens a
// session, carried by an HttpOnly SameSite=Strict cookie (the dashboard) or as a bearer token
// (programs). A request made with the cookie that changes anything must carry the session's CSRF
// token in `x-csrf-token`: a page of another site can make the browser send the cookie, but
// cannot read the token. Failed sign-ins are limited per address and per user name.
// Sessions are facts in the ledger's database (core's sessionDecider, one stream each): a restart
// keeps everyone signed in until their session expires. The store holds only a hash of the token
// (the session id), so reading the database does not let anyone act as a user; the CSRF token is
// derived from the token, so nothing secret is stored for it either.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import {
  decodeSessionCommand,
  SESSION_STREAM_PREFIX,
  sessionDecider,
  sessionIsLive,
  type Instant,
  type SessionCommand,
} from '@renewal-ledger/core';
import { activeUser, getCommandHandler, loadAggregate, readUsers, verifyPassword, type EventStore } from '@renewal-ledger/eventstore';
import { HttpError } from './http.js';

export interface Session {
  readonly token: string;
  readonly csrfToken: string;
  readonly userId: string;
  readonly expiresAt: number;
}

/** A request's signed-in user, with the role the ledger gives them now. */
export interface Caller {
  readonly userId: string;
  readonly role: string;
  readonly session: Session;
  /** How the session came: a cookie needs the CSRF token on changes, a bearer token does not. */
  readonly via: 'cookie' | 'bearer';
}

export interface AuthOptions {
  readonly store: EventStore;
  /** Session lifetime. Default 8 hours: a working day. */
  readonly sessionMs?: number;
  /** Failed sign-ins allowed per address and per user name in a window. Default 5 per minute. */
  readonly maxFailures?: number;
  readonly failureWindowMs?: number;
  /** The wall clock sessions and the limiter run on. Default Date.now. */
  readonly now?: () => number;
}

export const SESSION_COOKIE = 'renewal_session';

const hashOf = (text: string) => createHash('sha256').update(text).digest('base64url');
/** The session's id in the store: a hash of its token, never the token. */
export const sessionIdOf = (token: string): string => hashOf(`session\u0000${token}`);
/** The session's CSRF token: derived from its token, so a restart answers the same one. */
const csrfTokenOf = (token: string): string => hashOf(`csrf\u0000${token}`);

const unauthenticated = (message: string) =>
  new HttpError(401, { error: { code: 'UNAUTHENTICATED', message } }, { 'www-authenticate': 'Bearer realm="renewal"' });

const cookieOf = (req: IncomingMessage, name: string): string | null => {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
};

export const getAuth = (options: AuthOptions) => {
  const now = options.now ?? Date.now;
  const sessionMs = options.sessionMs ?? 8 * 3600_000;
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.failureWindowMs ?? 60_000;
  const sessions = getCommandHandler(sessionDecider, { store: options.store });
  const instant = (ms: number) => new Date(ms).toISOString() as Instant;
  /** Records a session's start or end; a refusal here is a defect (ids are hashes), not the caller's mistake. */
  const record = async (input: Record<string, unknown>) => {
    const command = decodeSessionCommand(input);
    if (E.isLeft(command)) throw new Error(`a session command did not decode: ${command.left.message}`);
    const result = await sessions.handle(command.right as SessionCommand);
    if (result.status === 'rejected') throw new Error(`the session could not be recorded: ${result.error.message}`);
  };
  const failures = new Map<string, { count: number; until: number }>();

  const limited = (key: string): number | null => {
    const f = failures.get(key);
    if (!f || f.until <= now()) return null;
    return f.count >= maxFailures ? Math.ceil((f.until - now()) / 1000) : null;
  };
  const fail = (key: string) => {
    const f = failures.get(key);
    if (!f || f.until <= now()) failures.set(key, { count: 1, until: now() + windowMs });
    else f.count += 1;
  };

  const end = async (session: Session, actor: string, reason: string) => {
    const sessionId = sessionIdOf(session.token);
    await record({
      type: 'EndSession',
      commandId: `session-end:${sessionId}`,
      actor,
      at: instant(now()),
      sessionId,
      userId: session.userId,
      reason,
    });
  };

  return {
    /** Checks the password; a new session, or 401 (which never says whether the user exists) or 429. */
    async signIn(req: IncomingMessage, body: unknown): Promise<Session & { role: string }> {
      const { userId, password } = (typeof body === 'object' && body !== null ? body : {}) as { userId?: unknown; password?: unknown };
      if (typeof userId !== 'string' || typeof password !== 'string' || userId === '' || password === '')
        throw new HttpError(400, {
          error: {
            code: 'INVALID_INPUT',
            message: 'sign in with {"userId": "...", "password": "..."}',
            problems: [{ path: '', message: 'userId and password are required' }],
          },
        });
      const keys = [`address:${req.socket.remoteAddress ?? ''}`, `user:${userId.normalize('NFC')}`];
      const wait = keys.map(limited).find((w) => w !== null);
      if (wait)
        throw new HttpError(
          429,
          { error: { code: 'TOO_MANY_SIGN_INS', message: `too many failed sign-ins: try again in ${wait} s` } },
          { 'retry-after': String(wait) },
        );
      const user = activeUser(await readUsers(options.store), userId.normalize('NFC'));
      // The hash is checked even when there is no user, so the answer takes as long either way.
      const ok =
        verifyPassword(
          password,
          user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        ) && user !== null;
      if (!ok || !user) {
        for (const k of keys) fail(k);
        throw unauthenticated('the user name or the password is wrong');
      }
      for (const k of keys) failures.delete(k);
      const token = randomBytes(32).toString('base64url');
      const session: Session = { token, csrfToken: csrfTokenOf(token), userId: user.userId, expiresAt: now() + sessionMs };
      const sessionId = sessionIdOf(token);
      await record({
        type: 'StartSession',
        commandId: `session-start:${sessionId}`,
        actor: user.userId,
        at: instant(now()),
        sessionId,
        userId: user.userId,
        expiresAt: instant(session.expiresAt),
      });
      return { ...session, role: user.role };
    },

    /** Ends the caller's session in the store: a restart does not bring it back. */
    async signOut(caller: Caller): Promise<void> {
      await end(caller.session, caller.userId, 'signed out');
    },

    cookie(session: Session | null): string {
      return session
        ? `${SESSION_COOKIE}=${session.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(sessionMs / 1000)}`
        : `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
    },

    /** The caller of a request, or 401. The role is read from the ledger now: a disabled user is out at once. */
    async caller(req: IncomingMessage): Promise<Caller> {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
      const token = bearer ?? cookieOf(req, SESSION_COOKIE);
      if (!token) throw unauthenticated('sign in first: POST /api/session with your user name and password');
      const { state } = await loadAggregate(sessionDecider, options.store, `${SESSION_STREAM_PREFIX}${sessionIdOf(token)}`);
      if (!state.started || !sessionIsLive(state, instant(now()))) throw unauthenticated('the session has ended: sign in again');
      const session: Session = {
        token,
        csrfToken: csrfTokenOf(token),
        userId: state.started.userId,
        expiresAt: Date.parse(state.started.expiresAt),
      };
      const user = activeUser(await readUsers(options.store), session.userId);
      if (!user) {
        // Disabled: the session ends now, recorded, whatever happens to the user later.
        await end(session, session.userId, 'user disabled');
        throw unauthenticated(`user ${session.userId} may no longer sign in`);
      }
      return { userId: user.userId, role: user.role, session, via: bearer ? 'bearer' : 'cookie' };
    },

    /** A change made with the session cookie must carry the session's CSRF token. */
    checkCsrf(req: IncomingMessage, caller: Caller): void {
      if (caller.via === 'bearer') return;
      if (req.headers['x-csrf-token'] !== caller.session.csrfToken)
        throw new HttpError(403, {
          error: { code: 'CSRF', message: 'a change made with the session cookie needs its CSRF token in the x-csrf-token header' },
        });
    },
  };
};
