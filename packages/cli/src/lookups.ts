// "Not found" is exit 1 everywhere: a cycle or contract asked about that the ledger does not hold
// is an error naming it, never an empty answer that looks like "nothing happened to it". One that
// exists with nothing to show (a cycle with no receipts, a contract with no cycles yet) is an
// empty answer, exit 0.
import { contractStreamName, cycleStreamName, type BusinessDate } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import { getArrearsView } from '@renewal-ledger/projection-arrears';
import { CliError } from './errors.js';
import { catchUp, type Session } from './session.js';

/** Throws the "no cycle" error unless the store holds an event of the cycle. */
export const requireCycle = async (store: EventStore, cycleId: string): Promise<void> => {
  for await (const _ of store.readStream(cycleStreamName(cycleId))) return;
  throw noCycle(cycleId);
};

export const noCycle = (cycleId: string): CliError =>
  new CliError(`no cycle ${cycleId} in the store (cycle ids look like unit-0301/2026-01)`);

/**
 * Throws the "no contract" error unless the ledger holds the contract: its stream (it was opened)
 * or a cycle billed to it (in the arrears view). A contract that exists with nothing to show yet
 * (opened, not billed) is an empty answer, exit 0, as a cycle with no receipts is.
 */
export const requireContract = async (session: Session, contractId: string, asOf: BusinessDate): Promise<void> => {
  for await (const _ of session.store.readStream(contractStreamName(contractId))) return;
  await catchUp(session, { only: ['arrears'], required: ['arrears'] });
  if ((await getArrearsView(session.views).byContract(contractId, { asOf })).cycles.length === 0) throw noContract(contractId);
};

export const noContract = (contractId: string): CliError =>
  new CliError(`no contract ${contractId} in the store: none opened, and no cycle billed to it`);
