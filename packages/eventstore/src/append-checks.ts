// What every store checks before an append reaches its table, whatever called it (the command
// handler decodes its input, but a library user may append directly): the store must be open for
// writing, and every string must be well-formed Unicode (defence in depth: core's codecs refuse
// such text at the boundary already).
import { illFormedPath, isWellFormedText } from '@renewal-ledger/core';
import { IllFormedEventError, ReadOnlyStoreError, type AppendRequest } from './port.js';

const under = (prefix: string, path: string | null): string | null => (path === null ? null : path === '' ? prefix : `${prefix}/${path}`);

/** Throws IllFormedEventError for the first ill-formed string of the requests. */
export const refuseIllFormedText = (requests: readonly AppendRequest[]): void => {
  for (const r of requests) {
    if (!isWellFormedText(r.streamName)) throw new IllFormedEventError(r.streamName, null, 'streamName');
    for (const e of r.events) {
      const path = !isWellFormedText(e.eventId)
        ? 'eventId'
        : !isWellFormedText(e.type)
          ? 'type'
          : (under('data', illFormedPath(e.data)) ?? under('metadata', illFormedPath(e.metadata)));
      if (path !== null) throw new IllFormedEventError(r.streamName, e.eventId, path);
    }
  }
};

/** The checks of an append, in order: open for writing, then well-formed text. */
export const checkAppend = (store: { readonly kind: string; readonly readOnly: boolean }, requests: readonly AppendRequest[]): void => {
  if (store.readOnly) throw new ReadOnlyStoreError(store.kind);
  refuseIllFormedText(requests);
};
