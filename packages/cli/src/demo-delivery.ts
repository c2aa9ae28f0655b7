// The demo's delivery: the reminders of the simulation's last two weeks (its last reminder run is
// on the 16th) go out through the outbox
// (docs/reminders-and-notices.md) to the file adapters beside the store: SMS and app push as
// JSON lines, the letters of the run as one printable document. The demo's customers have phones
// and addresses, no e-mail. Older messages stay pending in the outbox (renewal outbox dispatch
// sends them); the reminder ids are derived, so running the demo again sends nothing twice.
import { addDaysTo, type BusinessDate, type DeliveryChannel, type DeliveryOutcome, type Instant } from '@renewal-ledger/core';
import { dispatchOutbox, getFileChannel, getLetterPrinter, type DispatchReport } from '@renewal-ledger/delivery';
import type { EventStore } from '@renewal-ledger/eventstore';
import type { ViewDatabase } from '@renewal-ledger/projections';
import { count, table } from './output.js';

/** The simulation's last days whose reminders the demo delivers. */
export const DELIVERED_DAYS = 14;

export interface DemoDelivery {
  readonly from: BusinessDate;
  readonly dir: string;
  readonly report: DispatchReport;
  /** Outcomes recorded now, per channel. */
  readonly byChannel: readonly { readonly channel: DeliveryChannel; readonly outcome: DeliveryOutcome; readonly count: number }[];
}

export const deliverDemoReminders = async (
  store: EventStore,
  views: ViewDatabase,
  asOf: BusinessDate,
  dir: string,
  clock: () => Instant,
): Promise<DemoDelivery> => {
  const from = addDaysTo(1 - DELIVERED_DAYS)(asOf);
  const tally = new Map<string, { channel: DeliveryChannel; outcome: DeliveryOutcome; count: number }>();
  const report = await dispatchOutbox({
    store,
    database: views,
    adapters: { sms: getFileChannel('sms', dir), app: getFileChannel('app', dir) },
    printer: getLetterPrinter(dir),
    locale: 'zh-CN',
    templates: { sender: '物业服务中心' },
    kinds: ['reminder'],
    fromDay: from,
    actor: 'demo-delivery',
    batchId: asOf,
    // The file adapters skip a key they have written: a crash costs no copy, so record in batches.
    recordEvery: 200,
    clock,
    onOutcome: (o) => {
      if (o.recorded !== 'now') return;
      const key = `${o.channel}/${o.outcome}`;
      const t = tally.get(key) ?? { channel: o.channel, outcome: o.outcome, count: 0 };
      tally.set(key, { ...t, count: t.count + 1 });
    },
  });
  return { from, dir, report, byChannel: [...tally.values()] };
};

export const renderDemoDelivery = (d: DemoDelivery): string => {
  const r = d.report;
  const head = `Reminders delivered ${d.from} to ${addDaysTo(DELIVERED_DAYS - 1)(d.from)} (outbox to ${d.dir}): ${count(r.messages)} messages, ${count(r.outcomes.sent)} sent, ${count(r.outcomes.bounced)} bounced, ${count(r.outcomes.failed)} failed after retries, ${count(r.undelivered)} undelivered`;
  if (d.byChannel.length === 0) return `${head}\n  (nothing new: sent by an earlier run)`;
  return `${head}\n${table(
    ['channel', 'outcome', 'messages'],
    d.byChannel.map((c) => [c.channel, c.outcome, count(c.count)]),
  )}${r.letters ? `\n  letters to print: ${r.letters}` : ''}`;
};
