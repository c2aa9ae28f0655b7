// The little HTTP this service needs, on node:http: JSON bodies with a size limit, JSON answers,
// and errors that say what was wrong.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(
      typeof body === 'object' && body && 'error' in body
        ? String((body as { error: { message?: unknown } }).error.message)
        : `HTTP ${status}`,
    );
  }
}

const MAX_BODY = 1024 * 1024;

/** The request's body as UTF-8 text, or a 400/413 saying why not. */
export const readText = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new HttpError(413, { error: { code: 'BODY_TOO_LARGE', message: `a request body is at most ${MAX_BODY} bytes` } });
    chunks.push(chunk as Buffer);
  }
  try {
    // Fatal: bytes that are not UTF-8 are refused rather than silently replaced by U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    const message = 'the request body is not valid UTF-8: send JSON encoded as UTF-8';
    throw new HttpError(400, { error: { code: 'INVALID_INPUT', message, problems: [{ path: '', message }] } });
  }
};

/** The request's body parsed as JSON, or a 400/413 saying why not. */
export const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const text = await readText(req);
  if (text.trim() === '')
    throw new HttpError(400, {
      error: {
        code: 'INVALID_INPUT',
        message: 'the request has no body: send the command as JSON',
        problems: [{ path: '', message: 'is required: expected a JSON object' }],
      },
    });
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = `not valid JSON: ${(e as Error).message}`;
    throw new HttpError(400, { error: { code: 'INVALID_INPUT', message, problems: [{ path: '', message }] } });
  }
};

/** bigints (global positions) as decimal strings: JSON has no 64-bit integers. */
export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
};

export const sendHtml = (res: ServerResponse, html: string): void => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
};

export const sendScript = (res: ServerResponse, js: string): void => {
  res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
  res.end(js);
};

export const sendText = (res: ServerResponse, status: number, text: string): void => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
};
