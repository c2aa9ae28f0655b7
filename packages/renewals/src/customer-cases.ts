// What the "demanding" customer type counts (docs/customer-types.md): per contract, the disputes
// raised and the complaint cases received in the days up to a date, in one pass over the log
// (business days in the ledger's zone). Also lists every contract with a bill, so a report can
// classify the whole portfolio. Memory: one contract id per cycle.
import {
  addDaysTo,
  businessDayOf,
  complaintEvents,
  cycleEvents,
  evolveLedgerSettings,
  initialLedgerSettings,
  ledgerSettingsEvents,
  ledgerZonesOf,
  UTC_ZONES,
  type BusinessDate,
} from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';

export interface CustomerCases {
  readonly disputes: number;
  readonly complaints: number;
}

/** Contract -> its disputes and complaints in the `withinDays` days up to `asOf` (both days included); every billed contract is a key. */
export const readCustomerCases = async (
  store: EventStore,
  o: { readonly asOf: BusinessDate; readonly withinDays: number },
): Promise<ReadonlyMap<string, CustomerCases>> => {
  const first = addDaysTo(-(o.withinDays - 1))(o.asOf);
  let settings = initialLedgerSettings();
  let zones = UTC_ZONES;
  const contractOfCycle = new Map<string, string>();
  const out = new Map<string, { disputes: number; complaints: number }>();
  const of = (contractId: string) => {
    let c = out.get(contractId);
    if (!c) out.set(contractId, (c = { disputes: 0, complaints: 0 }));
    return c;
  };
  for await (const e of store.readAll({ batchSize: 1000 })) {
    if (ledgerSettingsEvents.owns(e.type)) {
      settings = evolveLedgerSettings(settings, ledgerSettingsEvents.of(e));
      zones = ledgerZonesOf(settings);
    } else if (cycleEvents.owns(e.type)) {
      const event = cycleEvents.of(e);
      if (event.type === 'Billed') {
        if (businessDayOf(zones, event.data.at) > o.asOf) continue;
        contractOfCycle.set(event.data.cycleId, event.data.contractId);
        of(event.data.contractId);
      } else if (event.type === 'Disputed') {
        const day = businessDayOf(zones, event.data.at);
        const contractId = contractOfCycle.get(event.data.cycleId);
        if (contractId !== undefined && day >= first && day <= o.asOf) of(contractId).disputes++;
      }
    } else if (complaintEvents.owns(e.type)) {
      const event = complaintEvents.of(e);
      if (event.type === 'ComplaintOpened' && event.data.receivedOn >= first && event.data.receivedOn <= o.asOf)
        of(event.data.contractId).complaints++;
    }
  }
  return out;
};
