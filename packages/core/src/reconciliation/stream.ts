/** One reconciliation per statement file: its stream is named by the file's sha256. */
export const RECONCILIATION_STREAM_PREFIX = 'reconciliation-';
export const reconciliationStreamName = (sha256: string): string => `${RECONCILIATION_STREAM_PREFIX}${sha256}`;
/** At most this many differences are listed in the event (the counts have them all). */
export const MAX_LISTED_DIFFERENCES = 1000;
