// The reconciliations view the dashboard reads: one row per statement reconciled (its channel, its
// days, what matched, how many differences and how many are resolved) and one per listed
// difference (open until a DifferenceResolved names it). Folded from the reconciliation streams
// (StatementReconciled, DifferenceResolved) as the other views are, incrementally.
import type { BusinessDate, DifferenceResolvedData, StatementReconciledData } from '@renewal-ledger/core';
import { asNumber, asOptionalText, asText, defineProjection, type SqlExecutor } from '@renewal-ledger/projections';

export const RECONCILIATIONS = 'reconciliations';
export const RECONCILIATION_DIFFERENCES = 'reconciliations_differences';

export const reconciliationsProjection = defineProjection({
  name: RECONCILIATIONS,
  version: 1,
  eventTypes: ['StatementReconciled', 'DifferenceResolved'],
  tables: [RECONCILIATIONS, RECONCILIATION_DIFFERENCES],
  async createTables(tx, t) {
    await tx.execute(`CREATE TABLE ${t.reconciliations} (
      sha256 TEXT PRIMARY KEY,
      channel TEXT NOT NULL,
      source TEXT NOT NULL,
      file_name TEXT NOT NULL,
      currency TEXT NOT NULL,
      from_day TEXT NOT NULL,
      to_day TEXT NOT NULL,
      actor TEXT NOT NULL,
      at TEXT NOT NULL,
      lines BIGINT NOT NULL,
      matched BIGINT NOT NULL,
      differences BIGINT NOT NULL,
      resolved BIGINT NOT NULL,
      position BIGINT NOT NULL)`);
    await tx.execute(`CREATE INDEX ${t.reconciliations}_days ON ${t.reconciliations} (from_day, to_day)`);
    await tx.execute(`CREATE TABLE ${t.reconciliations_differences} (
      sha256 TEXT NOT NULL,
      difference_key TEXT NOT NULL,
      channel TEXT NOT NULL,
      currency TEXT NOT NULL,
      kind TEXT NOT NULL,
      amount_minor BIGINT NOT NULL,
      reference TEXT,
      day TEXT,
      resolution TEXT,
      position BIGINT NOT NULL,
      PRIMARY KEY (sha256, difference_key))`);
  },
  async applyBatch(events, tx, t) {
    for (const e of events) {
      if (e.type === 'StatementReconciled') {
        const r = e.data as StatementReconciledData;
        const c = r.counts;
        const differences = c.missingInLedger + c.missingInStatement + c.amountDifferences + c.dateDifferences;
        await tx.execute(
          `INSERT INTO ${t.reconciliations} (sha256, channel, source, file_name, currency, from_day, to_day, actor, at, lines, matched, differences, resolved, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (sha256) DO NOTHING`,
          [
            r.sha256,
            r.channel,
            r.source,
            r.fileName,
            r.currency,
            r.from,
            r.to,
            r.actor,
            r.at,
            c.lines,
            c.matched,
            differences,
            e.globalPosition,
          ],
        );
        for (const d of r.differences)
          await tx.execute(
            `INSERT INTO ${t.reconciliations_differences} (sha256, difference_key, channel, currency, kind, amount_minor, reference, day, resolution, position)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (sha256, difference_key) DO NOTHING`,
            [r.sha256, d.key, r.channel, r.currency, d.kind, d.amountMinor, d.reference ?? null, d.day ?? null, e.globalPosition],
          );
      } else if (e.type === 'DifferenceResolved') {
        const r = e.data as DifferenceResolvedData;
        await tx.execute(`UPDATE ${t.reconciliations} SET resolved = resolved + 1 WHERE sha256 = ?`, [r.sha256]);
        await tx.execute(`UPDATE ${t.reconciliations_differences} SET resolution = ? WHERE sha256 = ? AND difference_key = ?`, [
          r.resolution,
          r.sha256,
          r.differenceKey,
        ]);
      }
    }
  },
});

/** The channels a collection office closes each day against a statement. */
export const RECONCILED_CHANNELS = ['alipay', 'wechat-pay', 'bank-transfer'] as const;

export interface ChannelDay {
  readonly channel: string;
  /** `closed`: reconciled, every difference resolved; `open`: differences left; `not-reconciled`: no statement covers the day. */
  readonly status: 'closed' | 'open' | 'not-reconciled';
  readonly statements: readonly {
    readonly sha256: string;
    readonly fileName: string;
    readonly from: string;
    readonly to: string;
    readonly actor: string;
    readonly lines: number;
    readonly matched: number;
    readonly differences: number;
    readonly open: number;
  }[];
}

export interface OpenDifference {
  readonly sha256: string;
  readonly key: string;
  readonly channel: string;
  readonly kind: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string | null;
  readonly day: string | null;
}

/** A day's reconciliation per channel, and the differences still open (newest first, at most `limit`). */
export const reconciliationOfDay = async (
  views: SqlExecutor,
  day: BusinessDate,
  limit: number,
): Promise<{
  readonly day: BusinessDate;
  readonly channels: readonly ChannelDay[];
  readonly openDifferences: readonly OpenDifference[];
}> => {
  const rows = await views.query(`SELECT * FROM ${RECONCILIATIONS} WHERE from_day <= ? AND to_day >= ? ORDER BY position`, [day, day]);
  const channels = [...new Set([...RECONCILED_CHANNELS, ...rows.map((r) => asText(r.channel))])].map((channel): ChannelDay => {
    const statements = rows
      .filter((r) => asText(r.channel) === channel)
      .map((r) => ({
        sha256: asText(r.sha256),
        fileName: asText(r.file_name),
        from: asText(r.from_day),
        to: asText(r.to_day),
        actor: asText(r.actor),
        lines: asNumber(r.lines),
        matched: asNumber(r.matched),
        differences: asNumber(r.differences),
        open: asNumber(r.differences) - asNumber(r.resolved),
      }));
    const status = statements.length === 0 ? 'not-reconciled' : statements.some((s) => s.open > 0) ? 'open' : 'closed';
    return { channel, status, statements };
  });
  const open = await views.query(
    `SELECT * FROM ${RECONCILIATION_DIFFERENCES} WHERE resolution IS NULL ORDER BY position DESC, difference_key LIMIT ${limit}`,
  );
  return {
    day,
    channels,
    openDifferences: open.map((r) => ({
      sha256: asText(r.sha256),
      key: asText(r.difference_key),
      channel: asText(r.channel),
      kind: asText(r.kind),
      amountMinor: asNumber(r.amount_minor),
      currency: asText(r.currency),
      reference: asOptionalText(r.reference),
      day: asOptionalText(r.day),
    })),
  };
};
