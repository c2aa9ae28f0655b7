// A cycle's folded state (core's CycleState) as one compact row: the one encoding every view that
// keeps cycle states writes and reads. Why not JSON of the state: that copy was ~1.9 KB a cycle,
// nine tenths of it keys, the `commandIds` list (idempotency data only the decider needs) and the
// cycle id repeated in every fact. Here:
// - what SQL filters and sums on is a column of its own: contract, currency, period, billing
//   month, due date, total, the running totals as integers (NULL where core leaves a total
//   absent, so the state read back is the state folded);
// - the bill's rest and the few lists a cycle has are JSON arrays of positional fields (no key
//   names), the cycle id written as 0 and an id that embeds it (`<cycle>/pay-1`) as the parts
//   around it. Fields the positions do not name (a newer core's optional ones) ride along as a
//   trailing object, and an item of an unexpected shape is kept as it is, so nothing is lost.
// The state read back equals the folded one, as JSON, except that `commandIds` is empty: views
// never decide commands (cycle-state-row.test.ts checks this over generated histories).
import type { CycleState, CycleTotals, LateFeeFacts } from '@renewal-ledger/core';
import { asNumber, asOptionalText, asText, insertRows, placeholders, type SqlExecutor, type SqlRow, type SqlValue } from './sql.js';

type FieldCodec = 'plain' | 'id' | 'self' | Shape | { readonly list: Shape } | { readonly nullable: Shape };
interface Shape {
  readonly fields: readonly (readonly [string, FieldCodec])[];
  /** The field names, to tell the rest of an object's keys from them at a glance (per item, on every batch). */
  readonly names: ReadonlySet<string>;
}

const shape = (...fields: (readonly [string, FieldCodec])[]): Shape => ({ fields, names: new Set(fields.map(([k]) => k)) });
/** The fields every cycle event's data starts with. */
const base = (...fields: (readonly [string, FieldCodec])[]): Shape =>
  shape(['cycleId', 'self'], ['commandId', 'id'], ['actor', 'plain'], ['at', 'plain'], ...fields);
const id = (key: string) => [key, 'id'] as const;
const plain = (key: string) => [key, 'plain'] as const;

const payment = base(id('paymentId'), plain('amountMinor'), plain('channel'));
const refund = base(id('refundId'), id('paymentId'), plain('amountMinor'), plain('reason'));
const dispute = shape(
  ['raised', base(id('disputeId'), plain('amountMinor'), plain('reason'))],
  ['resolution', { nullable: base(id('disputeId'), plain('outcome'), plain('adjustmentMinor')) }],
);
const installment = shape(plain('dueDate'), plain('amountMinor'));
const plan = shape(
  ['agreed', base(id('planId'), ['installments', { list: installment }])],
  ['cancellation', { nullable: base(id('planId'), plain('reason')) }],
  plain('netPaidAtAgreementMinor'),
);
const adjustment = base(id('adjustmentId'), plain('amountMinor'), plain('reason'));
const reminder = base(id('reminderId'), plain('channel'));
const writeOff = base(id('writeOffId'), plain('amountMinor'), plain('reason'));
const autoDebitFailure = base(
  id('attemptId'),
  plain('amountMinor'),
  plain('dueDate'),
  plain('attempt'),
  plain('failureCode'),
  plain('reason'),
  plain('retryable'),
);
const reversal = base(id('reversalId'), id('paymentId'), plain('amountMinor'), plain('reason'));
const request = shape(
  ['requested', base(id('requestId'), plain('role'), plain('kind'), plain('amountMinor'), plain('reason'))],
  ['closing', { nullable: shape(plain('status'), ['data', base(id('requestId'))]) }],
);
const charge = base(id('chargeId'), plain('asOf'), plain('amountMinor'), plain('overdueMinor'), plain('chargeableDays'));
const waiver = base(id('waiverId'), plain('amountMinor'), plain('reason'));
const billLine = shape(plain('code'), plain('description'), plain('amountMinor'));
/** The bill without what has columns of its own (contract, period, due date, currency, total). */
const billRest = base(['lines', { list: billLine }], plain('discounts'));
const BILL_COLUMN_KEYS = new Set(['contractId', 'period', 'dueDate', 'currency', 'totalMinor']);

/** The lists of a cycle, by their one-letter key in the `facts` column. */
const LISTS = {
  p: ['payments', payment],
  r: ['refunds', refund],
  d: ['disputes', dispute],
  l: ['plans', plan],
  a: ['adjustments', adjustment],
  m: ['reminders', reminder],
  w: ['writeOffs', writeOff],
  f: ['autoDebitFailures', autoDebitFailure],
  v: ['reversals', reversal],
  q: ['requests', request],
} as const satisfies Record<string, readonly [keyof CycleState, Shape]>;
// Walked for every state written: made once (Object.entries allocates on each call).
const LIST_ENTRIES = Object.entries(LISTS);
/** Core leaves these absent until their first fact: absent and empty are told apart. */
const OPTIONAL_LISTS = new Set<string>(['autoDebitFailures', 'reversals', 'requests']);
const KNOWN_STATE_KEYS = new Set<string>([
  ...Object.values(LISTS).map(([k]) => k),
  'bill',
  'commandIds',
  'lateFees',
  'totals',
  'eventCount',
]);

type Json = unknown;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value the field's codec can write positionally; anything else makes its object go plain. */
const fits = (v: unknown, codec: FieldCodec, cycleId: string): boolean => {
  if (codec === 'plain') return v !== undefined;
  if (codec === 'id') return typeof v === 'string';
  if (codec === 'self') return typeof v === 'string' || v === cycleId;
  if ('list' in codec) return Array.isArray(v) && v.every(isObject);
  if ('nullable' in codec) return v === null || isObject(v);
  return isObject(v);
};

const encodeObject = (o: Record<string, unknown>, s: Shape, cycleId: string): Json => {
  for (const [k, c] of s.fields) if (!fits(o[k], c, cycleId)) return o;
  const out: Json[] = [];
  for (const [k, c] of s.fields) out.push(encodeField(o[k], c, cycleId));
  let rest: Record<string, unknown> | null = null;
  for (const k in o)
    if (!s.names.has(k) && o[k] !== undefined) {
      rest ??= {};
      rest[k] = o[k];
    }
  if (rest) out.push(rest);
  return out;
};

const encodeField = (v: unknown, c: FieldCodec, cycleId: string): Json => {
  if (c === 'plain') return v;
  if (c === 'self') return v === cycleId ? 0 : v;
  if (c === 'id') {
    const s = v as string;
    const at = cycleId === '' ? -1 : s.indexOf(cycleId);
    return at < 0 ? s : [s.slice(0, at), s.slice(at + cycleId.length)];
  }
  if ('list' in c) return (v as Record<string, unknown>[]).map((x) => encodeObject(x, c.list, cycleId));
  if ('nullable' in c) return v === null ? null : encodeObject(v as Record<string, unknown>, c.nullable, cycleId);
  return encodeObject(v as Record<string, unknown>, c, cycleId);
};

const decodeObject = (v: Json, s: Shape, cycleId: string): Record<string, unknown> => {
  // An object (not an array) was kept as it was: it did not fit the positions.
  if (!Array.isArray(v)) return v as Record<string, unknown>;
  const o: Record<string, unknown> = {};
  for (let i = 0; i < s.fields.length; i++) {
    const [k, c] = s.fields[i]!;
    o[k] = decodeField(v[i], c, cycleId);
  }
  if (v.length > s.fields.length) Object.assign(o, v[s.fields.length]);
  return o;
};

const decodeField = (v: Json, c: FieldCodec, cycleId: string): unknown => {
  if (c === 'plain') return v;
  if (c === 'self') return v === 0 ? cycleId : v;
  if (c === 'id') return Array.isArray(v) ? `${v[0]}${cycleId}${v[1]}` : v;
  if ('list' in c) return (v as Json[]).map((x) => decodeObject(x, c.list, cycleId));
  if ('nullable' in c) return v === null ? null : decodeObject(v, c.nullable, cycleId);
  return decodeObject(v, c, cycleId);
};

/** The columns of a cycle-state table, in the order cycleStateRow writes them. */
export const CYCLE_STATE_COLUMNS = [
  'cycle_id',
  'contract_id',
  'currency',
  'period_start',
  'period_end',
  'billing_month',
  'due_date',
  'total_minor',
  'paid_minor',
  'refunded_minor',
  'adjusted_minor',
  'dispute_adjusted_minor',
  'written_off_minor',
  'open_disputed_minor',
  'reversed_minor',
  'late_fee_charged_minor',
  'late_fee_waived_minor',
  'late_fee_paid_minor',
  'late_fee_refunded_minor',
  'late_fee_reversed_minor',
  'event_count',
  'bill',
  'facts',
] as const;

/** Creates a table of cycle states (one row per cycle) under the given name. */
export const createCycleStateTable = async (tx: SqlExecutor, table: string): Promise<void> => {
  await tx.execute(`CREATE TABLE ${table} (
    cycle_id TEXT PRIMARY KEY,
    contract_id TEXT,
    currency TEXT,
    period_start TEXT,
    period_end TEXT,
    billing_month TEXT,
    due_date TEXT,
    total_minor BIGINT,
    paid_minor BIGINT NOT NULL,
    refunded_minor BIGINT NOT NULL,
    adjusted_minor BIGINT NOT NULL,
    dispute_adjusted_minor BIGINT NOT NULL,
    written_off_minor BIGINT NOT NULL,
    open_disputed_minor BIGINT NOT NULL,
    reversed_minor BIGINT,
    late_fee_charged_minor BIGINT,
    late_fee_waived_minor BIGINT,
    late_fee_paid_minor BIGINT,
    late_fee_refunded_minor BIGINT,
    late_fee_reversed_minor BIGINT,
    event_count BIGINT NOT NULL,
    bill TEXT,
    facts TEXT NOT NULL)`);
};

/** A state as the values of CYCLE_STATE_COLUMNS. */
export const cycleStateRow = (cycleId: string, state: CycleState): SqlValue[] => {
  const b = state.bill;
  const t = state.totals;
  const lf = state.lateFees;
  let bill: string | null = null;
  if (b) {
    const rest: Record<string, unknown> = {};
    for (const k in b) if (!BILL_COLUMN_KEYS.has(k)) rest[k] = (b as unknown as Record<string, unknown>)[k];
    // A period of another shape than {start, end} keeps the whole bill as it is.
    const period = b.period as unknown as Record<string, unknown>;
    const plainPeriod = isObject(period) && Object.keys(period).length === 2 && 'start' in period && 'end' in period;
    bill = JSON.stringify(plainPeriod ? encodeObject(rest, billRest, cycleId) : { whole: b });
  }
  const facts: Record<string, unknown> = {};
  for (const [key, [name, s]] of LIST_ENTRIES) {
    const list = state[name] as readonly Record<string, unknown>[] | undefined;
    if (list === undefined || (list.length === 0 && !OPTIONAL_LISTS.has(name))) continue;
    facts[key] = list.map((x) => encodeObject(x, s, cycleId));
  }
  if (lf) {
    facts.c = lf.charges.map((x) => encodeObject(x as unknown as Record<string, unknown>, charge, cycleId));
    facts.x = lf.waivers.map((x) => encodeObject(x as unknown as Record<string, unknown>, waiver, cycleId));
  }
  // Keys a newer core adds to the state, kept as they are until this encoding names them.
  let unknown: Record<string, unknown> | null = null;
  for (const k in state) {
    const v = (state as unknown as Record<string, unknown>)[k];
    if (!KNOWN_STATE_KEYS.has(k) && v !== undefined) (unknown ??= {})[k] = v;
  }
  if (unknown !== null) facts['+'] = unknown;
  return [
    cycleId,
    b?.contractId ?? null,
    b?.currency ?? null,
    b?.period.start ?? null,
    b?.period.end ?? null,
    b ? b.period.start.slice(0, 7) : null,
    b?.dueDate ?? null,
    b?.totalMinor ?? null,
    t.paidMinor,
    t.refundedMinor,
    t.adjustedMinor,
    t.disputeAdjustedMinor,
    t.writtenOffMinor,
    t.openDisputedMinor,
    t.reversedMinor ?? null,
    lf?.chargedMinor ?? null,
    lf?.waivedMinor ?? null,
    lf?.paidMinor ?? null,
    lf?.refundedMinor ?? null,
    lf?.reversedMinor ?? null,
    state.eventCount,
    bill,
    JSON.stringify(facts),
  ];
};

const optionalNumber = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : asNumber(v));

/**
 * The columns of a cycle-state table `alias` for a SELECT that joins it to a view's own rows,
 * each named `<prefix><column>` so none collides with the view's (read with cycleStateFromRow).
 */
export const cycleStateColumnsSql = (alias: string, prefix: string): string =>
  CYCLE_STATE_COLUMNS.map((c) => `${alias}.${c} AS ${prefix}${c}`).join(', ');

/**
 * The state a row of CYCLE_STATE_COLUMNS holds (`commandIds` empty: see the header); with a
 * prefix, the columns named by cycleStateColumnsSql.
 */
export const cycleStateFromRow = (row: SqlRow, prefix = ''): CycleState => {
  const r = prefix === '' ? row : Object.fromEntries(CYCLE_STATE_COLUMNS.map((c) => [c, row[`${prefix}${c}`]]));
  const cycleId = asText(r.cycle_id);
  const facts = JSON.parse(asText(r.facts)) as Record<string, Json[]> & { '+'?: Record<string, unknown> };
  const state: Record<string, unknown> = { bill: null, commandIds: [] };
  const billText = asOptionalText(r.bill);
  if (billText !== null) {
    const encoded = JSON.parse(billText) as Json;
    state.bill = isObject(encoded)
      ? encoded.whole
      : {
          ...decodeObject(encoded, billRest, cycleId),
          contractId: asText(r.contract_id),
          period: { start: asText(r.period_start), end: asText(r.period_end) },
          dueDate: asText(r.due_date),
          currency: asText(r.currency),
          totalMinor: asNumber(r.total_minor),
        };
  }
  for (const [key, [name, s]] of LIST_ENTRIES) {
    const list = facts[key];
    if (list === undefined) {
      if (!OPTIONAL_LISTS.has(name)) state[name] = [];
    } else state[name] = list.map((x) => decodeObject(x, s, cycleId));
  }
  const charged = optionalNumber(r.late_fee_charged_minor);
  if (charged !== undefined) {
    const lateFees: LateFeeFacts = {
      charges: (facts.c ?? []).map((x) => decodeObject(x, charge, cycleId)) as unknown as LateFeeFacts['charges'],
      waivers: (facts.x ?? []).map((x) => decodeObject(x, waiver, cycleId)) as unknown as LateFeeFacts['waivers'],
      chargedMinor: charged,
      waivedMinor: asNumber(r.late_fee_waived_minor),
      paidMinor: asNumber(r.late_fee_paid_minor),
      refundedMinor: asNumber(r.late_fee_refunded_minor),
      reversedMinor: asNumber(r.late_fee_reversed_minor),
    };
    state.lateFees = lateFees;
  }
  const reversedMinor = optionalNumber(r.reversed_minor);
  const totals: CycleTotals = {
    paidMinor: asNumber(r.paid_minor),
    refundedMinor: asNumber(r.refunded_minor),
    adjustedMinor: asNumber(r.adjusted_minor),
    disputeAdjustedMinor: asNumber(r.dispute_adjusted_minor),
    writtenOffMinor: asNumber(r.written_off_minor),
    openDisputedMinor: asNumber(r.open_disputed_minor),
    ...(reversedMinor === undefined ? {} : { reversedMinor }),
  };
  state.totals = totals;
  state.eventCount = asNumber(r.event_count);
  if (facts['+']) Object.assign(state, facts['+']);
  return state as unknown as CycleState;
};

const UPSERT = `ON CONFLICT (cycle_id) DO UPDATE SET ${CYCLE_STATE_COLUMNS.slice(1)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/** Writes (inserts or replaces) the states of the given cycles. */
export const saveCycleStates = async (
  tx: SqlExecutor,
  table: string,
  states: ReadonlyMap<string, CycleState>,
  cycleIds: Iterable<string>,
): Promise<void> => {
  const rows: SqlValue[][] = [];
  for (const id of cycleIds) rows.push(cycleStateRow(id, states.get(id)!));
  await insertRows(tx, table, CYCLE_STATE_COLUMNS, rows, UPSERT);
};

/** Reads the states of the given cycles, 500 a statement; a cycle without a row is not in the map. */
export const readCycleStates = async (tx: SqlExecutor, table: string, cycleIds: Iterable<string>): Promise<Map<string, CycleState>> => {
  const ids = [...new Set(cycleIds)];
  const states = new Map<string, CycleState>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await tx.query(`SELECT * FROM ${table} WHERE cycle_id IN (${placeholders(chunk.length)})`, chunk);
    for (const r of rows) states.set(asText(r.cycle_id), cycleStateFromRow(r));
  }
  return states;
};
