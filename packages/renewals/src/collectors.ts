// Reading the collection office's performance (docs/collectors-and-targets.md): one pass over the
// log, folding the office (assignments and targets known by the day asked), the position of each
// cycle of the report's currency (due, paid before the month, paid by the day) and the money that
// moved in the month; core's `collectorsPerformance` computes every figure from them.
// Memory: a few numbers per cycle and one entry per payment of the month (a service with millions
// of cycles would keep these in a view and hand them to the same pure function).
import {
  businessDayOf,
  collectorsEvents,
  collectorsPerformance,
  cycleEvents,
  evolveCollectors,
  evolveLedgerSettings,
  initialCollectorsState,
  initialLedgerSettings,
  ledgerSettingsEvents,
  ledgerZonesOf,
  monthWindow,
  UTC_ZONES,
  type BusinessDate,
  type CyclePosition,
  type PerformanceReport,
  type CollectorTaking,
} from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';

export interface CollectorsPerformanceOptions {
  /** `YYYY-MM`. */
  readonly month: string;
  /** The day the report is as of: money and facts recorded after it are not known yet. */
  readonly asOf: BusinessDate;
  /** Bills in other currencies are left out (amounts of different currencies never add up). */
  readonly currency: string;
}

interface Position {
  contractId: string;
  dueDate: BusinessDate;
  dueMinor: number;
  paidBeforeMinor: number;
  paidByMinor: number;
}

type Payment = Pick<CollectorTaking, 'contractId' | 'channel' | 'offline' | 'actor'>;

export const readCollectorsPerformance = async (store: EventStore, o: CollectorsPerformanceOptions): Promise<PerformanceReport> => {
  const { first, last } = monthWindow(o.month, o.asOf);
  let settings = initialLedgerSettings();
  let zones = UTC_ZONES;
  let office = initialCollectorsState();
  const cycles = new Map<string, Position>();
  const monthPayments = new Map<string, Payment>();
  const takings: CollectorTaking[] = [];
  for await (const e of store.readAll({ batchSize: 1000 })) {
    if (ledgerSettingsEvents.owns(e.type)) {
      settings = evolveLedgerSettings(settings, ledgerSettingsEvents.of(e));
      zones = ledgerZonesOf(settings);
      continue;
    }
    // Not known on the day asked: an offline payment entered later counts from the day it is entered.
    if (businessDayOf(zones, e.metadata.recordedAt) > o.asOf) continue;
    if (collectorsEvents.owns(e.type)) {
      office = evolveCollectors(office, collectorsEvents.of(e));
      continue;
    }
    if (!cycleEvents.owns(e.type)) continue;
    const event = cycleEvents.of(e);
    if (event.type === 'Billed') {
      if (event.data.currency === o.currency)
        cycles.set(event.data.cycleId, {
          contractId: event.data.contractId,
          dueDate: event.data.dueDate,
          dueMinor: event.data.totalMinor,
          paidBeforeMinor: 0,
          paidByMinor: 0,
        });
      continue;
    }
    if (event.type !== 'Paid' && event.type !== 'Refunded' && event.type !== 'PaymentReversed') continue;
    const cycle = cycles.get(event.data.cycleId);
    const day = businessDayOf(zones, event.data.at);
    if (!cycle || day > o.asOf) continue;
    const signed = event.type === 'Paid' ? event.data.amountMinor : -event.data.amountMinor;
    cycle.paidByMinor += signed;
    if (day < first) cycle.paidBeforeMinor += signed;
    if (day > last) continue;
    const paymentKey = `${event.data.cycleId}|${event.data.paymentId}`;
    if (event.type === 'Paid') {
      // Paid from credit is not new money: it was counted when the credit was taken.
      if (event.data.creditApplicationId !== undefined) continue;
      const payment = {
        contractId: cycle.contractId,
        channel: event.data.channel,
        offline: event.data.offline === true,
        actor: event.data.actor,
      };
      monthPayments.set(paymentKey, payment);
      takings.push({ ...payment, day, amountMinor: signed });
    } else {
      // Money given back counts against whom the payment counted to, when it was taken this month.
      const payment = monthPayments.get(paymentKey);
      if (payment) takings.push({ ...payment, day, amountMinor: signed });
    }
  }
  const positions: CyclePosition[] = [...cycles].map(([cycleId, p]) => ({ cycleId, ...p }));
  return collectorsPerformance(office, { month: o.month, asOf: o.asOf, currency: o.currency, cycles: positions, takings });
};
