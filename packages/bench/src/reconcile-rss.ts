// `renewal reconcile` memory: peak RSS of reconciling a generated Alipay bill of 1,000,000 lines
// against one of 100,000, each in a fresh process (peak RSS is per process and never goes down).
// The ledger is the same small one for both (a thousand cycles, each paid by Alipay), so what
// grows is the statement alone: its first thousand lines match the ledger, every other line is
// money the ledger never recorded (a difference, reported to a sink that keeps nothing). Flat
// memory means the large statement's peak is within 1.2x the small one's.
import { once } from 'node:events';
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeCommand,
  ledgerSettingsDecider,
  renewalCycle,
  type BusinessDate,
  type Instant,
  type RenewalCommand,
} from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { reconcileStatement } from '@renewal-ledger/reconciliation';
import { getSQLiteEventStore } from '@renewal-ledger/store-sqlite';
import { TARGETS } from './harness.js';
import { childPoint, compareSizes, ratioLine, type SizeComparison } from './rss-check.js';
import type { Check } from './totals.js';

export interface ReconcileRssPoint {
  readonly lines: number;
  readonly megabytes: number;
  readonly reconcileMs: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly check: Check;
}

export type ReconcileRssCheck = SizeComparison<ReconcileRssPoint>;

/** Cycles in the ledger, each paid once by Alipay: the statement's first lines. */
export const RECONCILE_RSS_CYCLES = 1000;

const tradeNo = (n: number) => `2026031022001${String(n).padStart(9, '0')}`;
const HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const line = (n: number) =>
  `${tradeNo(n)},rss-${n}-2026-03,交易,物业服务费,2026-03-10 10:00:00,2026-03-10 10:00:00,,,,,wan***@example.com,315.20,315.20,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-1.89,0.00,`;

/** Writes an Alipay bill of `lines` trade lines. */
export const writeStatement = async (path: string, lines: number): Promise<void> => {
  const out = createWriteStream(path);
  out.write(`#支付宝业务明细查询\n${HEADER}\n`);
  let chunk: string[] = [];
  for (let n = 0; n < lines; n++) {
    chunk.push(line(n));
    if (chunk.length < 4096) continue;
    if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
    chunk = [];
  }
  if (chunk.length) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
};

const command = (json: Record<string, unknown>): RenewalCommand => {
  const r = decodeCommand(json);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

/** The ledger: China time, a thousand March bills, each paid by Alipay under its trade number. */
const writeLedger = async (path: string): Promise<void> => {
  const store = getSQLiteEventStore({ path });
  await getCommandHandler(ledgerSettingsDecider, { store }).handle({
    type: 'OpenLedger',
    commandId: 'open',
    actor: 'bench',
    at: '2026-01-01T00:00:00Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
  } as never);
  const commands: RenewalCommand[] = [];
  for (let i = 0; i < RECONCILE_RSS_CYCLES; i++) {
    const cycleId = `rss-${i}/2026-03`;
    commands.push(
      command({
        type: 'Bill',
        commandId: `bill-${i}`,
        cycleId,
        actor: 'bench',
        at: '2026-03-01T01:00:00Z',
        contractId: `rss-${i}`,
        period: { start: '2026-03-01', end: '2026-04-01' },
        dueDate: '2026-03-15',
        currency: 'CNY',
        lines: [{ code: 'service', description: 'Property service fee', amountMinor: 31520 }],
      }),
      command({
        type: 'RecordPayment',
        commandId: `pay-${i}`,
        cycleId,
        actor: 'bench',
        at: '2026-03-10T02:00:00Z',
        paymentId: `pay-${i}`,
        amountMinor: 31520,
        channel: 'alipay',
        reference: tradeNo(i),
      }),
    );
  }
  await getCommandHandler(renewalCycle, { store }).handleBatch(commands);
  await store.close();
};

/** Child: reconciles the statement against the ledger in this process and writes the result. */
export const reconcileChild = async (o: { dir: string }): Promise<void> => {
  const lines = Number(readFileSync(join(o.dir, 'lines'), 'utf8'));
  const file = join(o.dir, 'alipay.csv');
  const store = getSQLiteEventStore({ path: join(o.dir, 'ledger.db') });
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  const started = performance.now();
  let differences = 0;
  const r = await reconcileStatement({
    store,
    file,
    source: 'alipay',
    from: '2026-03-10' as BusinessDate,
    actor: 'bench',
    at: '2026-03-11T02:00:00Z' as Instant,
    onDifference: () => {
      differences++;
    },
  });
  const reconcileMs = performance.now() - started;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  await store.close();
  const c = r.reconciliation.counts;
  const expected = { lines, matched: RECONCILE_RSS_CYCLES, missingInLedger: lines - RECONCILE_RSS_CYCLES };
  const check: Check =
    c.lines === expected.lines &&
    c.matched === expected.matched &&
    c.missingInLedger === expected.missingInLedger &&
    differences === expected.missingInLedger
      ? { ok: true, detail: `${c.matched} matched, ${c.missingInLedger.toLocaleString('en-US')} missing in the ledger` }
      : { ok: false, detail: `counts ${JSON.stringify(c)}, expected ${JSON.stringify(expected)}` };
  const point: ReconcileRssPoint = {
    lines,
    megabytes: Math.round((statSync(file).size / 1048576) * 10) / 10,
    reconcileMs: Math.round(reconcileMs),
    baselineRssMb: Math.round(baseline / 1048576),
    peakRssMb,
    check,
  };
  writeFileSync(join(o.dir, 'result.json'), JSON.stringify(point));
};

const child = (dir: string, log: (m: string) => void): Promise<ReconcileRssPoint> =>
  childPoint<ReconcileRssPoint>('--reconcile-rss-child', dir, log);

export const runReconcileRssCheck = async (o: {
  small: number;
  large: number;
  dir?: string;
  log?: (m: string) => void;
}): Promise<ReconcileRssCheck> => {
  const log = o.log ?? (() => undefined);
  return compareSizes(o, { dir: o.dir, prefix: 'renewal-bench-reconcile-', target: TARGETS.reconcileRss }, async (lines, dir) => {
    log(
      `[reconcile rss] writing a ledger of ${RECONCILE_RSS_CYCLES} payments and an Alipay bill of ${lines.toLocaleString('en-US')} lines`,
    );
    await writeLedger(join(dir, 'ledger.db'));
    await writeStatement(join(dir, 'alipay.csv'), lines);
    writeFileSync(join(dir, 'lines'), String(lines));
    const p = await child(dir, log);
    log(
      `[reconcile rss] ${p.lines.toLocaleString('en-US')} lines: peak RSS ${p.peakRssMb} MB (baseline ${p.baselineRssMb} MB), ${(p.reconcileMs / 1000).toFixed(1)} s`,
    );
    return p;
  });
};

export const formatReconcileRssCheck = (r: ReconcileRssCheck): string =>
  [
    'reconcile peak RSS (an Alipay bill against a SQLite ledger of 1,000 payments, each size in a fresh process)',
    ...[r.small, r.large].map(
      (p) =>
        `  ${p.lines.toLocaleString('en-US')} lines (${p.megabytes} MB): peak RSS ${p.peakRssMb} MB, baseline ${p.baselineRssMb} MB, ${(p.reconcileMs / 1000).toFixed(1)} s (${Math.round((p.lines * 1000) / p.reconcileMs).toLocaleString('en-US')} lines/s), check ${p.check.ok ? 'ok' : `FAILED: ${p.check.detail}`}`,
    ),
    ratioLine(r),
  ].join('\n');
