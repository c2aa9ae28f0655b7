// `GET /api/audit/verify` runs here, on a worker thread: verifying the chain hashes every entry and
// compares it with the event re-read from the store, seconds of CPU on a real ledger, which on the
// service's own thread would hold every other request (the dashboard, a cashier's payment) until
// it ended. The worker opens its own connections (the store read-only, the views the service
// keeps up to date) and posts the verification back.
import { parentPort, workerData } from 'node:worker_threads';
import { StoreUnavailableError } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { verifyAuditChain, type AuditVerification } from '@renewal-ledger/projection-audit';
import { openViewDatabase } from './views.js';

export interface VerifyJob {
  readonly store: string;
  readonly views?: string;
}

export type VerifyOutcome =
  | { readonly ok: true; readonly verification: AuditVerification }
  /** `unavailable`: the store or the views could not be reached (a StoreUnavailableError). */
  | { readonly ok: false; readonly message: string; readonly unavailable: boolean };

const run = async ({ store: storeUrl, views }: VerifyJob): Promise<VerifyOutcome> => {
  const store = await openStore(storeUrl, { create: false, readOnly: true });
  try {
    const { database } = await openViewDatabase(storeUrl, views);
    try {
      return { ok: true, verification: await verifyAuditChain(database, store) };
    } finally {
      await database.close();
    }
  } finally {
    await store.close();
  }
};

if (parentPort) {
  const port = parentPort;
  run(workerData as VerifyJob).then(
    (outcome) => port.postMessage(outcome),
    (e: unknown) =>
      port.postMessage({
        ok: false,
        message: e instanceof Error ? e.message : String(e),
        unavailable: e instanceof StoreUnavailableError,
      } satisfies VerifyOutcome),
  );
}
