// @renewal-ledger/stores: one store URL (`sqlite:`, `postgres://`, `esdb://`) to an open event
// store, loading only the adapter that URL needs.
//
// The public API, name by name (api/stores.api.md is its report; CONTRIBUTING.md says how to
// change it).

// Opening a store by URL, and the URL forms it accepts.
export { openStore, STORE_URL_FORMS } from './open-store.js';

// What openStore throws: a URL that names no store, an adapter or driver that is not installed.
export { MissingPackageError, StoreUrlError } from '@renewal-ledger/eventstore';
