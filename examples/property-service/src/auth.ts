// Who is asking: the property service's users are the ledger's (renewal users add, kept as events
// on renewal-users), signed in with a password checked against its scrypt hash. A sign-in opens a
// session, carried by an HttpOnly SameSite=Strict cookie (the dashboard) or as a bearer token
// (programs). A request made with the cookie that changes anything must carry the session's CSRF
// token in `x-csrf-token`: a page of another site can make the browser send the cookie, but
// cannot read the token. Failed sign-ins are limited per address and per user name. Sessions live
// in this process: a restart signs everyone out, which is the safe way round.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { activeUser, readUsers, verifyPassword, type EventStore } from '@renewal-ledger/eventstore';
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
  const sessions = new Map<string, Session>();
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
      const session: Session = {
        token: randomBytes(32).toString('base64url'),
        csrfToken: randomBytes(32).toString('base64url'),
        userId: user.userId,
        expiresAt: now() + sessionMs,
      };
      sessions.set(session.token, session);
      return { ...session, role: user.role };
    },

    signOut(caller: Caller): void {
      sessions.delete(caller.session.token);
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
      const session = sessions.get(token);
      if (!session || session.expiresAt <= now()) {
        sessions.delete(token);
        throw unauthenticated('the session has ended: sign in again');
      }
      const user = activeUser(await readUsers(options.store), session.userId);
      if (!user) {
        sessions.delete(token);
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
