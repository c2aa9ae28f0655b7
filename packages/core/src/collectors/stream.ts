/** The collection office's assignments and targets: one stream for the ledger (a few thousand facts a year). */
export const COLLECTORS_STREAM = 'renewal-collectors';
