// The outbox: every message the ledger's facts ask for, as rows of a view written by the
// projection runner, whose checkpoint is committed in the same transaction as the rows. Why a
// consumer of the log and not a table the stores write beside the events: the message is a pure
// function of the fact (core's reminderMessage, noticeMessage, receiptMessage), so the fact IS
// the outbox entry and is committed in its own append on every store (memory, SQLite,
// PostgreSQL, EventStoreDB) without changing any of them; the view only indexes what the log
// already holds. No fact without its message: the runner reads every event past its checkpoint,
// and a row and the checkpoint past it commit together (a crash loses neither or both, and the
// next run derives the same rows again). No message without its fact: rows come only from
// events read from the log. A rebuild derives the same message ids, and their statuses come
// back from the delivery events on the same log.
import {
  type ContractOpenedData,
  type DeliveryChannel,
  type DeliveryEventData,
  type DeliveryPolicy,
  type LumpSumReceivedData,
  type OutboxMessage,
  type PaidData,
  type Recipient,
  type ReminderSentData,
  type BilledData,
  DEFAULT_DELIVERY_POLICY,
  DELIVERY_EVENT_TYPES,
  RENEWAL_EVENT_TYPES,
  type RecordedEvent,
  deliveryChannels,
  lumpSumReceiptMessage,
  noticeMessage,
  receiptMessage,
  recipientOf,
  reminderMessage,
} from '@renewal-ledger/core';
import {
  LEDGER_ZONE_EVENT_TYPES,
  asBigInt,
  asNumber,
  asOptionalText,
  asText,
  createLedgerSettingsTable,
  defineProjection,
  insertRows,
  placeholders,
  requireLiveView,
  trackLedgerZones,
  type Projection,
  type SqlExecutor,
  type TableNames,
} from '@renewal-ledger/projections';

export const OUTBOX_PROJECTION = 'outbox';
/** The base names of the outbox's tables. */
export type OutboxTable = 'outbox_messages' | 'outbox_contacts' | 'outbox_settings';

/** pending: no channel took it yet; sent: a channel took it; undeliverable: every channel bounced or failed, or none reaches the recipient. */
export type OutboxStatus = 'pending' | 'sent' | 'undeliverable';

const createTables = async (tx: SqlExecutor, t: TableNames<OutboxTable>) => {
  await tx.execute(`CREATE TABLE ${t.outbox_messages} (
    message_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    cycle_id TEXT,
    channels TEXT NOT NULL,
    status TEXT NOT NULL,
    sent_on TEXT,
    tried TEXT NOT NULL,
    day TEXT NOT NULL,
    details_json TEXT NOT NULL,
    global_position BIGINT NOT NULL)`);
  await tx.execute(`CREATE INDEX ${t.outbox_messages}_status ON ${t.outbox_messages} (status, global_position)`);
  await tx.execute(`CREATE TABLE ${t.outbox_contacts} (contract_id TEXT PRIMARY KEY, recipient_json TEXT NOT NULL)`);
  await createLedgerSettingsTable(tx, t.outbox_settings);
};

const MESSAGE_COLUMNS = [
  'message_id',
  'kind',
  'contract_id',
  'cycle_id',
  'channels',
  'status',
  'sent_on',
  'tried',
  'day',
  'details_json',
  'global_position',
];

/**
 * The message's fields its row does not hold in columns of its own (id, kind, contract, cycle and
 * day are columns), without those that are null: what `details_json` keeps. messageOfRow puts the
 * message together again.
 */
const detailsJson = (m: OutboxMessage): string => {
  const { messageId: _id, kind: _kind, contractId: _contract, cycleId: _cycle, day: _day, ...details } = m;
  return JSON.stringify(Object.fromEntries(Object.entries(details).filter(([, v]) => v !== null)));
};

const messageOfRow = (r: Record<string, unknown>): OutboxMessage => {
  const d = JSON.parse(asText(r.details_json)) as Partial<OutboxMessage> &
    Pick<OutboxMessage, 'channel' | 'recipient' | 'amountMinor' | 'currency' | 'at'>;
  return {
    messageId: asText(r.message_id),
    kind: asText(r.kind) as OutboxMessage['kind'],
    contractId: asText(r.contract_id),
    cycleId: asOptionalText(r.cycle_id),
    channel: d.channel,
    recipient: d.recipient,
    amountMinor: d.amountMinor,
    currency: d.currency,
    dueDate: d.dueDate ?? null,
    period: d.period ?? null,
    at: d.at,
    day: asText(r.day) as OutboxMessage['day'],
    level: d.level ?? null,
    paymentChannel: d.paymentChannel ?? null,
    reference: d.reference ?? null,
  };
};
const CYCLE_TYPES = new Set<string>(RENEWAL_EVENT_TYPES);
const DELIVERY_TYPES = new Set<string>(DELIVERY_EVENT_TYPES);

/**
 * The outbox view. The policy chooses each kind's first channel and the fallbacks after it; the
 * channels a message will be tried on are fixed when it is derived (those the recipient has an
 * address for), so the dispatcher and `renewal outbox list` agree on them. Bump `version` (default
 * 4: version 2 keeps cycle states in the compact row, not JSON; version 3 keeps a message's
 * details without what its columns hold; version 4 shares the runner's cycle-state set) with a
 * new policy to derive the rows again.
 */
export const getOutboxProjection = (
  options: { readonly policy?: DeliveryPolicy; readonly version?: number } = {},
): Projection<OutboxTable> => {
  const policy = options.policy ?? DEFAULT_DELIVERY_POLICY;
  return defineProjection({
    name: OUTBOX_PROJECTION,
    version: options.version ?? 4,
    eventTypes: [...RENEWAL_EVENT_TYPES, 'ContractOpened', 'LumpSumReceived', ...DELIVERY_EVENT_TYPES, ...LEDGER_ZONE_EVENT_TYPES],
    tables: ['outbox_messages', 'outbox_contacts', 'outbox_settings'],
    cycleStates: 'outbox_cycles',
    createTables,
    async applyBatch(events: readonly RecordedEvent[], tx, t, cycles) {
      const zones = await trackLedgerZones(tx, t.outbox_settings);
      const cycleEvents = events.filter((e) => CYCLE_TYPES.has(e.type));
      const states = cycles.load(cycleEvents.map((e) => (e.data as { cycleId: string }).cycleId));
      const contractIds = new Set<string>();
      for (const e of events) {
        if (e.type === 'Billed') contractIds.add((e.data as BilledData).contractId);
        if (e.type === 'LumpSumReceived') contractIds.add((e.data as LumpSumReceivedData).contractId);
      }
      for (const s of states.values()) if (s.bill) contractIds.add(s.bill.contractId);
      const recipients = await loadRecipients(tx, t.outbox_contacts, contractIds);
      const newContacts = new Map<string, Recipient>();
      const derived: { message: OutboxMessage; position: bigint }[] = [];
      const outcomes: { data: DeliveryEventData; type: string }[] = [];

      const messageOf = (e: RecordedEvent, after: import('@renewal-ledger/core').CycleState): OutboxMessage | null => {
        const contractId = after.bill?.contractId;
        const recipient = contractId === undefined ? undefined : recipients.get(contractId);
        if (!recipient) return null;
        const ctx = { recipient, zones: zones.zones, policy };
        if (e.type === 'ReminderSent') return reminderMessage(e.data as ReminderSentData, after, ctx);
        if (e.type === 'Billed') return noticeMessage(e.data as BilledData, ctx);
        if (e.type === 'Paid') return receiptMessage(e.data as PaidData, after, ctx);
        return null;
      };
      // In global order: contacts and zones change between facts, and each fact sees them as they were.
      for (const e of events) {
        if (zones.apply(e)) continue;
        if (e.type === 'ContractOpened') {
          const d = e.data as ContractOpenedData & { contractId: string };
          const r = recipientOf(d.customer.name, d.customer.contact);
          recipients.set(d.contractId, r);
          newContacts.set(d.contractId, r);
        } else if (e.type === 'LumpSumReceived') {
          const d = e.data as LumpSumReceivedData;
          const recipient = recipients.get(d.contractId);
          if (recipient)
            derived.push({ message: lumpSumReceiptMessage(d, { recipient, zones: zones.zones, policy }), position: e.globalPosition });
        } else if (DELIVERY_TYPES.has(e.type)) {
          outcomes.push({ data: e.data as DeliveryEventData, type: e.type });
        } else if (CYCLE_TYPES.has(e.type)) {
          cycles.fold(states, [e], (event, _before, after) => {
            const m = messageOf(event, after);
            if (m) derived.push({ message: m, position: event.globalPosition });
          });
        }
      }
      for (const [contractId, r] of newContacts)
        await tx.execute(
          `INSERT INTO ${t.outbox_contacts} (contract_id, recipient_json) VALUES (?, ?) ON CONFLICT (contract_id) DO UPDATE SET recipient_json = excluded.recipient_json`,
          [contractId, JSON.stringify(r)],
        );
      // A message derived again (the runner re-reading a batch it had not committed) is the same message.
      await insertRows(
        tx,
        t.outbox_messages,
        MESSAGE_COLUMNS,
        derived.map(({ message: m, position }) => {
          const channels = deliveryChannels(m.channel, m.recipient, policy);
          return [
            m.messageId,
            m.kind,
            m.contractId,
            m.cycleId,
            channels.join(','),
            channels.length ? 'pending' : 'undeliverable',
            null,
            '',
            m.day,
            detailsJson(m),
            position,
          ];
        }),
        'ON CONFLICT (message_id) DO NOTHING',
      );
      for (const o of outcomes) await applyOutcome(tx, t.outbox_messages, o.type, o.data);
      await zones.save();
    },
  });
};

const loadRecipients = async (tx: SqlExecutor, table: string, ids: Iterable<string>): Promise<Map<string, Recipient>> => {
  const list = [...ids];
  const out = new Map<string, Recipient>();
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500);
    const rows = await tx.query(
      `SELECT contract_id, recipient_json FROM ${table} WHERE contract_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) out.set(asText(r.contract_id), JSON.parse(asText(r.recipient_json)) as Recipient);
  }
  return out;
};

const applyOutcome = async (tx: SqlExecutor, table: string, type: string, d: DeliveryEventData): Promise<void> => {
  if (type === 'MessageDelivered') return;
  const rows = await tx.query(`SELECT channels, tried, sent_on FROM ${table} WHERE message_id = ?`, [d.messageId]);
  const row = rows[0];
  if (!row) return;
  if (type === 'MessageSent') {
    await tx.execute(`UPDATE ${table} SET status = 'sent', sent_on = ? WHERE message_id = ?`, [d.channel, d.messageId]);
    return;
  }
  const tried = [...splitList(asText(row.tried)), d.channel];
  const left = splitList(asText(row.channels)).filter((c) => !tried.includes(c));
  if (type === 'MessageBounced' && asOptionalText(row.sent_on) === d.channel) {
    // A late bounce (reported after sent): the message is pending again for the next channel.
    await tx.execute(`UPDATE ${table} SET tried = ?, sent_on = NULL, status = ? WHERE message_id = ?`, [
      tried.join(','),
      left.length === 0 ? 'undeliverable' : 'pending',
      d.messageId,
    ]);
    return;
  }
  await tx.execute(
    `UPDATE ${table} SET tried = ?, status = CASE WHEN status = 'sent' THEN status WHEN ? THEN 'undeliverable' ELSE status END WHERE message_id = ?`,
    [tried.join(','), left.length === 0 ? 1 : 0, d.messageId],
  );
};

const splitList = (text: string): string[] => (text === '' ? [] : text.split(','));

export interface OutboxRow {
  readonly message: OutboxMessage;
  readonly channels: readonly DeliveryChannel[];
  readonly status: OutboxStatus;
  readonly sentOn: DeliveryChannel | null;
  readonly tried: readonly DeliveryChannel[];
  readonly position: bigint;
}

const rowOf = (r: Record<string, unknown>): OutboxRow => ({
  message: messageOfRow(r),
  channels: splitList(asText(r.channels as string)) as DeliveryChannel[],
  status: asText(r.status as string) as OutboxStatus,
  sentOn: (asOptionalText(r.sent_on as string | null) ?? null) as DeliveryChannel | null,
  tried: splitList(asText(r.tried as string)) as DeliveryChannel[],
  position: asBigInt(r.global_position),
});

export interface OutboxQuery {
  readonly status?: OutboxStatus;
  readonly kind?: string;
  /** Only messages of facts on or after this business day. */
  readonly fromDay?: string;
  /** Messages after this global position (paging). */
  readonly after?: bigint;
  readonly limit?: number;
}

/** The outbox as read from the view database (a reader: it never creates the view). */
export const getOutboxView = (db: SqlExecutor) => ({
  async list(query: OutboxQuery = {}): Promise<OutboxRow[]> {
    await requireLiveView(db, OUTBOX_PROJECTION);
    const where: string[] = ['global_position > ?'];
    const params: (string | number)[] = [Number(query.after ?? -1n)];
    const and = (clause: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    and('status = ?', query.status);
    and('kind = ?', query.kind);
    and('day >= ?', query.fromDay);
    const rows = await db.query(
      `SELECT * FROM outbox_messages WHERE ${where.join(' AND ')} ORDER BY global_position, message_id LIMIT ${Math.max(1, Math.floor(query.limit ?? 1000))}`,
      params,
    );
    return rows.map(rowOf);
  },
  async counts(): Promise<{ readonly kind: string; readonly status: OutboxStatus; readonly count: number }[]> {
    await requireLiveView(db, OUTBOX_PROJECTION);
    const rows = await db.query('SELECT kind, status, COUNT(*) AS n FROM outbox_messages GROUP BY kind, status ORDER BY kind, status');
    return rows.map((r) => ({ kind: asText(r.kind), status: asText(r.status) as OutboxStatus, count: asNumber(r.n) }));
  },
});
export type OutboxView = ReturnType<typeof getOutboxView>;
