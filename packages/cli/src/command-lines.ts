// A JSON-lines file of commands, one per line as in the model
// (`{"type":"RecordPayment","commandId":...,"cycleId":...}`), read as a stream of bytes and decoded
// line by line with core's codecs: memory stays flat whatever the size of the file. A line that
// is not UTF-8, not JSON or does not decode names its line number and what is wrong (the io-ts
// path of each problem), and the other lines are unaffected. A line whose `type` is a contract
// command (`OpenContract`, `GiveMandate`, ...) is decoded as one; every other line as a cycle
// command.
import { isUtf8 } from 'node:buffer';
import * as E from 'fp-ts/lib/Either.js';
import {
  CONTRACT_COMMAND_TYPES,
  decodeCommand,
  decodeContractCommand,
  type ContractCommand,
  type Problem,
  type RenewalCommand,
} from '@renewal-ledger/core';

export type CommandLine =
  | { readonly line: number; readonly ok: true; readonly kind: 'cycle'; readonly command: RenewalCommand }
  | { readonly line: number; readonly ok: true; readonly kind: 'contract'; readonly command: ContractCommand }
  | { readonly line: number; readonly ok: false; readonly type: string | null; readonly problems: readonly Problem[] };

/** Commands nest a few levels (a bill's lines, a fee plan's items); deeper is not a command. */
export const MAX_NESTING = 64;

const typeOf = (value: unknown): string | null => {
  const t = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return typeof t === 'string' ? t : null;
};

export const isContractCommandType = (type: string | null): boolean =>
  type !== null && (CONTRACT_COMMAND_TYPES as readonly string[]).includes(type);

const malformed = (line: number, message: string, type: string | null = null): CommandLine => ({
  line,
  ok: false,
  type,
  problems: [{ path: '', message }],
});

/** How deeply arrays and objects nest in JSON text (brackets inside strings do not count). */
const nestingOf = (text: string): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
};

/** One line of text (numbered from 1 as an editor shows them), or null when it is blank. */
export const parseCommandLine = (raw: string, line: number): CommandLine | null => {
  // A byte-order mark some editors put at the start of a file is not part of the JSON.
  const source = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
  if (source === '') return null;
  // Checked before parsing: a line of thousands of nested brackets parses, but every message about
  // it (and io-ts) would recurse as deep.
  const nesting = nestingOf(source);
  if (nesting > MAX_NESTING)
    return malformed(line, `nested ${nesting.toLocaleString('en-US')} levels deep: a command nests at most ${MAX_NESTING}`);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    return malformed(line, `not valid JSON: ${(e as Error).message}`);
  }
  if (isContractCommandType(typeOf(value))) {
    const decoded = decodeContractCommand(value);
    return E.isRight(decoded)
      ? { line, ok: true, kind: 'contract', command: decoded.right }
      : { line, ok: false, type: typeOf(value), problems: decoded.left.problems };
  }
  const decoded = decodeCommand(value);
  return E.isRight(decoded)
    ? { line, ok: true, kind: 'cycle', command: decoded.right }
    : { line, ok: false, type: typeOf(value), problems: decoded.left.problems };
};

/** Offset of the first byte that breaks UTF-8 (a stray continuation, a truncated or overlong sequence, a surrogate). */
const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1]!;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f))
      return i;
    i += length;
  }
  return bytes.length;
};

/** One line's bytes as text, or why they are not UTF-8: never a U+FFFD put in their place. */
const lineOf = (bytes: Buffer, line: number): CommandLine | null => {
  // Lines end in \n or \r\n.
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  const content = bytes.subarray(0, end);
  if (!isUtf8(content)) {
    const at = Math.min(firstInvalidUtf8(content), content.length - 1);
    return malformed(
      line,
      `not valid UTF-8: byte ${at + 1} of the line is 0x${content[at]!.toString(16).padStart(2, '0')}; save the file as UTF-8`,
    );
  }
  return parseCommandLine(content.toString('utf8'), line);
};

/**
 * Every non-blank line of a stream of bytes, decoded, as it arrives. Only the line being read is
 * held, so a file of any size takes the memory of its longest line.
 */
export async function* commandLines(chunks: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<CommandLine> {
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of chunks) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (let nl = bytes.indexOf(0x0a, from); nl >= 0; nl = bytes.indexOf(0x0a, from)) {
      const piece = bytes.subarray(from, nl);
      const whole = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      const entry = lineOf(whole, ++line);
      if (entry) yield entry;
      from = nl + 1;
    }
    // Copied: the stream may reuse its buffer for the next chunk.
    if (from < bytes.length) pending.push(Buffer.from(bytes.subarray(from)));
  }
  if (pending.length > 0) {
    const entry = lineOf(Buffer.concat(pending), ++line);
    if (entry) yield entry;
  }
}
