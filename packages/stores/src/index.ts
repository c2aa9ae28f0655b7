export { openStore, STORE_URL_FORMS } from './open-store.js';
export { MissingPackageError, StoreUrlError } from '@renewal-ledger/eventstore';
