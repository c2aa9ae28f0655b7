export * from './port.js';
export * from './stored-event.js';
export * from './memory-store.js';
export * from './command-handler.js';
export * from './missing-package.js';
export * from './append-checks.js';
export * from './sqlite-files.js';
export * from './ledger-settings.js';
