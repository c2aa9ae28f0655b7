// Events and commands the conformance suite writes. They are real renewal events (stores decode
// what they read with the core codecs), and every id carries a run id so that the suite can share
// a database with other data (EventStoreDB cannot be emptied) and never collide with itself.
import * as E from 'fp-ts/lib/Either.js';
import { decodeCommand, eventIdFor, type EventMetadata, type NewEvent, type RenewalCommand } from '@renewal-ledger/core';

export const newRunId = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export interface Names {
  readonly run: string;
  stream(name: string): string;
  id(name: string): string;
  cycle(name: string): string;
}

export const namesFor = (run: string): Names => ({
  run,
  stream: (name) => `conformance-${run}-${name}`,
  id: (name) => `${run}-${name}`,
  cycle: (name) => `conformance-${run}/${name}`,
});

const AT = '2026-01-05T08:00:00Z';
const RECORDED_AT = '2026-01-05T08:00:01.250Z';

export const metadataFor = (commandId: string, extra: { correlationId?: string; causationId?: string } = {}): EventMetadata =>
  ({
    commandId,
    actor: 'conformance-clerk',
    recordedAt: RECORDED_AT,
    correlationId: extra.correlationId ?? commandId,
    ...(extra.causationId ? { causationId: extra.causationId } : {}),
  }) as EventMetadata;

export interface BilledOptions {
  readonly cycleId: string;
  readonly commandId: string;
  readonly lines?: readonly { code: string; description: string; amountMinor: number }[];
  readonly contractId?: string;
}

/** A `Billed` event; its total is the sum of its lines. */
export const billedEvent = (o: BilledOptions, index = 0): NewEvent => {
  const lines = o.lines ?? [{ code: 'service', description: 'Property service', amountMinor: 10000 }];
  return {
    eventId: eventIdFor(o.commandId, index),
    type: 'Billed',
    schemaVersion: 1,
    data: {
      cycleId: o.cycleId,
      commandId: o.commandId,
      actor: 'conformance-clerk',
      at: AT,
      contractId: o.contractId ?? 'contract-1',
      period: { start: '2026-01-01', end: '2026-02-01' },
      dueDate: '2026-01-15',
      currency: 'CNY',
      lines,
      discounts: [],
      totalMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0),
    },
    metadata: metadataFor(o.commandId),
  };
};

/** A `Paid` event. */
export const paidEvent = (cycleId: string, commandId: string, amountMinor: number, index = 0): NewEvent => ({
  eventId: eventIdFor(commandId, index),
  type: 'Paid',
  schemaVersion: 1,
  data: {
    cycleId,
    commandId,
    actor: 'conformance-cashier',
    at: AT,
    paymentId: `payment-${commandId}`,
    amountMinor,
    channel: 'cash',
  },
  metadata: metadataFor(commandId),
});

/** `count` Paid events for one stream, ids numbered from `from`. */
export const payments = (names: Names, stream: string, count: number, from = 0): NewEvent[] =>
  Array.from({ length: count }, (_, i) => paidEvent(names.cycle(stream), names.id(`${stream}-pay-${from + i}`), 100 + i));

const must = (input: unknown): RenewalCommand => {
  const r = decodeCommand(input);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

export const billCommand = (cycleId: string, commandId: string, totalMinor: number): RenewalCommand =>
  must({
    type: 'Bill',
    commandId,
    cycleId,
    actor: 'conformance-clerk',
    at: AT,
    contractId: 'contract-1',
    period: { start: '2026-01-01', end: '2026-02-01' },
    dueDate: '2026-01-15',
    currency: 'CNY',
    lines: [{ code: 'service', description: 'Property service', amountMinor: totalMinor }],
  });

export const paymentCommand = (
  cycleId: string,
  commandId: string,
  amountMinor: number,
  paymentId = `payment-${commandId}`,
): RenewalCommand =>
  must({
    type: 'RecordPayment',
    commandId,
    cycleId,
    actor: 'conformance-cashier',
    at: AT,
    paymentId,
    amountMinor,
    channel: 'cash',
  });

/**
 * Text that trips naive encodings: CJK, an astral-plane emoji (a surrogate pair in UTF-16), a
 * combining accent, right-to-left script, quotes, backslashes, the JSON-hostile line separators
 * U+2028/U+2029 and a tab. (No U+0000: PostgreSQL's jsonb cannot hold it, and no text of the
 * domain needs it.)
 */
export const UNICODE_TEXT = '物业服务费 🏠💴 café (e\u0301) مرحبا "quoted" back\\slash \u2028\u2029\ttab Ω≈ç√ 𝔘𝔫𝔦';

/** Bill lines whose descriptions add up to about `bytes` bytes of JSON (descriptions are at most 2,000 characters). */
export const largeLines = (bytes: number): { code: string; description: string; amountMinor: number }[] => {
  const lines: { code: string; description: string; amountMinor: number }[] = [];
  const chunk = `${UNICODE_TEXT} `;
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    // Cut by code points (slicing UTF-16 could split an emoji into a lone surrogate), staying
    // under the 2,000 UTF-16 units a description may have.
    let text = '';
    for (const cp of chunk.repeat(40)) {
      if (text.length + cp.length > 1980) break;
      text += cp;
    }
    const description = `${text.trim()} #${i}`;
    lines.push({ code: `line-${i}`, description, amountMinor: 1 + (i % 997) });
    size += Buffer.byteLength(JSON.stringify(description));
  }
  return lines;
};
