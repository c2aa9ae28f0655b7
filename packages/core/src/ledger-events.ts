// Every event the ledger's own aggregates write, in one registry: what a store decodes with
// unless it is given another decoder. A new aggregate of the library adds its codec to
// LEDGER_EVENT_CODECS; a user's own aggregate composes its codec with these instead:
//
//   getSQLiteEventStore({ url, decode: storedEventDecoder([...LEDGER_EVENT_CODECS, depositEvents]) })
import type * as E from 'fp-ts/lib/Either.js';
import { contractEvents, type ContractEvent, type ContractEventType } from './contract/events.js';
import { cycleEvents, type RenewalEvent, type RenewalEventType } from './cycle/events.js';
import { ledgerSettingsEvents, type LedgerSettingsEvent, type LedgerSettingsEventType } from './ledger/events.js';
import { reconciliationEvents, type ReconciliationEvent, type ReconciliationEventType } from './reconciliation/events.js';
import { channelEvents, type ChannelEvent, type ChannelEventType } from './channel/events.js';
import { userEvents, type UserEvent, type UserEventType } from './users/events.js';
import { sessionEvents, type SessionEvent, type SessionEventType } from './users/sessions.js';
import { invoiceEvents, type InvoiceEvent, type InvoiceEventType } from './invoice/events.js';
import { deliveryEvents, type DeliveryEvent, type DeliveryEventType } from './delivery/events.js';
import { invoicingRulesEvents, type InvoicingRulesEvent } from './invoice/rules.js';
import { complaintEvents, type ComplaintEvent, type ComplaintEventType } from './complaint/events.js';
import { collectorsEvents, type CollectorsEvent, type CollectorsEventType } from './collectors/events.js';
import { schemaVersionsOf, storedEventDecoder, type StoredEventDecoder, type StoredEventInput } from './event-codec.js';
import type { Upcasters } from './upcasting.js';
import type { InvalidInput } from './validation.js';

/**
 * The codecs of the ledger's aggregates: the renewal cycle's, the contract's, the ledger settings',
 * the users', their sessions', the invoices', the invoicing rules', the statement reconciliations', the payment channels', the messages' deliveries, the complaint cases' and the collection office's. One store holds all.
 */
export const LEDGER_EVENT_CODECS = [
  cycleEvents,
  contractEvents,
  ledgerSettingsEvents,
  userEvents,
  sessionEvents,
  invoiceEvents,
  invoicingRulesEvents,
  reconciliationEvents,
  channelEvents,
  deliveryEvents,
  complaintEvents,
  collectorsEvents,
] as const;

/** Any event core knows: a renewal cycle's, a contract's, the ledger settings', a user's, an invoice's, the invoicing rules', a reconciliation's, a payment channel's, a message delivery's, a complaint case's or the collection office's. */
export type LedgerEvent =
  | RenewalEvent
  | ContractEvent
  | LedgerSettingsEvent
  | UserEvent
  | SessionEvent
  | InvoiceEvent
  | InvoicingRulesEvent
  | ReconciliationEvent
  | ChannelEvent
  | DeliveryEvent
  | ComplaintEvent
  | CollectorsEvent;
export type LedgerEventType =
  | RenewalEventType
  | ContractEventType
  | LedgerSettingsEventType
  | UserEventType
  | SessionEventType
  | InvoiceEventType
  | 'InvoicingRulesSet'
  | ReconciliationEventType
  | ChannelEventType
  | DeliveryEventType
  | ComplaintEventType
  | CollectorsEventType;

/** The library's own history of schema changes: none yet, every event is at version 1. */
export const renewalUpcasters: Upcasters = {};

/**
 * The schema version of every event type core knows, cycle, contract and ledger settings. `CURRENT_SCHEMA_VERSION`
 * stays the cycle's own.
 */
export const STORED_EVENT_SCHEMA_VERSION = schemaVersionsOf(LEDGER_EVENT_CODECS) as Readonly<Record<LedgerEventType, number>>;

const ledgerDecoder = storedEventDecoder(LEDGER_EVENT_CODECS, { upcasters: renewalUpcasters });
const withUpcasters = new WeakMap<Upcasters, StoredEventDecoder>();

/**
 * Upcast, then validate with the event's codec (the cycle's, the contract's or the ledger settings'): what stores call
 * on every event they read unless given another decoder. `upcasters` replace the library's for
 * the types they name.
 */
export const decodeStoredEvent = (stored: StoredEventInput, upcasters?: Upcasters): E.Either<InvalidInput, LedgerEvent> => {
  if (upcasters === undefined || upcasters === renewalUpcasters) return ledgerDecoder(stored) as E.Either<InvalidInput, LedgerEvent>;
  let decoder = withUpcasters.get(upcasters);
  if (!decoder) withUpcasters.set(upcasters, (decoder = storedEventDecoder(LEDGER_EVENT_CODECS, { upcasters })));
  return decoder(stored) as E.Either<InvalidInput, LedgerEvent>;
};
