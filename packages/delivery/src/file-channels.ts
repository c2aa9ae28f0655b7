// The default adapters for SMS and app push (a line of JSON per message in a file, for a
// gateway's own sender to pick up or for a demo to read) and for printed letters (one HTML
// document per batch, a page per letter, ready to print). Each SMS or push line carries its
// idempotency key, and the adapter skips a key already in its file, as an SMS gateway does: so
// a dispatcher restarted after a crash does not write a message twice.
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChannelAdapter, LetterPrinter, OutgoingMessage, SendResult } from './channels.js';

const keysIn = async (file: string): Promise<Set<string>> => {
  const keys = new Set<string>();
  if (!existsSync(file)) return keys;
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line) continue;
    try {
      keys.add((JSON.parse(line) as { idempotencyKey: string }).idempotencyKey);
    } catch {
      // A line cut short by a crash: its message was not taken, and is written again whole.
    }
  }
  return keys;
};

/** Appends `{ idempotencyKey, messageId, to, subject, body }` lines to `<dir>/<channel>.jsonl`. */
export const getFileChannel = (channel: 'sms' | 'app', dir: string): ChannelAdapter => {
  const file = join(dir, `${channel}.jsonl`);
  let keys: Promise<Set<string>> | null = null;
  return {
    channel,
    async send(m: OutgoingMessage): Promise<SendResult> {
      keys ??= mkdir(dir, { recursive: true }).then(() => keysIn(file));
      const known = await keys;
      if (!known.has(m.idempotencyKey)) {
        const line = {
          idempotencyKey: m.idempotencyKey,
          messageId: m.message.messageId,
          to: m.to,
          subject: m.rendered.subject,
          body: m.rendered.body,
        };
        await appendFile(file, `${JSON.stringify(line)}\n`, 'utf8');
        known.add(m.idempotencyKey);
      }
      return { status: 'sent', providerId: `${channel}.jsonl#${m.idempotencyKey}` };
    },
  };
};

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Writes `<dir>/letters-<batchId>.html`: a page per letter (print it from a browser), written whole or not at all. */
export const getLetterPrinter = (dir: string): LetterPrinter => ({
  channel: 'letter',
  async print(letters, batchId) {
    await mkdir(dir, { recursive: true });
    const name = `letters-${batchId.replace(/[^A-Za-z0-9_-]/g, '_')}.html`;
    const pages = letters
      .map(
        (l) =>
          `<section class="letter" data-message-id="${escapeHtml(l.message.messageId)}" data-key="${escapeHtml(l.idempotencyKey)}" lang="${l.rendered.language}"><pre>${escapeHtml(l.rendered.body)}</pre></section>`,
      )
      .join('\n');
    const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${letters.length} letters</title><style>.letter{page-break-after:always;font:14px serif}pre{white-space:pre-wrap;font:inherit}</style></head><body>\n${pages}\n</body></html>\n`;
    const tmp = join(dir, `.${name}.tmp`);
    await writeFile(tmp, html, 'utf8');
    await rename(tmp, join(dir, name));
    return name;
  },
});
