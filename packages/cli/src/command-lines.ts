// A JSON-lines file of commands, one per line as in the model
// (`{"type":"RecordPayment","commandId":...,"cycleId":...}`), decoded line by line with core's
// codecs: a line that is not JSON or does not decode names its line number and the io-ts path of
// each problem, and the other lines are unaffected. A line whose `type` is a contract command
// (`OpenContract`, `GiveMandate`, ...) is decoded as one; every other line as a cycle command.
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

const typeOf = (value: unknown): string | null => {
  const t = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return typeof t === 'string' ? t : null;
};

export const isContractCommandType = (type: string | null): boolean =>
  type !== null && (CONTRACT_COMMAND_TYPES as readonly string[]).includes(type);

/** Every non-blank line, numbered from 1 as an editor shows them. */
export const parseCommandLines = (text: string): CommandLine[] => {
  const out: CommandLine[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    // A byte-order mark some editors put at the start of a file is not part of the JSON.
    const source = (i === 0 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (source === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      out.push({ line, ok: false, type: null, problems: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }] });
      return;
    }
    if (isContractCommandType(typeOf(value))) {
      const decoded = decodeContractCommand(value);
      out.push(E.isRight(decoded) ? { line, ok: true, kind: 'contract', command: decoded.right } : { line, ok: false, type: typeOf(value), problems: decoded.left.problems });
      return;
    }
    const decoded = decodeCommand(value);
    out.push(E.isRight(decoded) ? { line, ok: true, kind: 'cycle', command: decoded.right } : { line, ok: false, type: typeOf(value), problems: decoded.left.problems });
  });
  return out;
};
