export { openStore, STORE_URL_FORMS } from './open-store.js';
export { StoreUrlError } from '@renewal-ledger/eventstore';
