// "Not found" is exit 1 everywhere: a cycle or contract asked about that the ledger does not hold
// is an error naming it, never an empty answer that looks like "nothing happened to it".
import { cycleStreamName, type BusinessDate } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import { getArrearsView } from '@renewal-ledger/projection-arrears';
import { CliError } from './errors.js';
import { catchUp, type Session } from './session.js';

/** Throws the "no cycle" error unless the store holds an event of the cycle. */
export const requireCycle = async (store: EventStore, cycleId: string): Promise<void> => {
  for await (const _ of store.readStream(cycleStreamName(cycleId))) return;
  throw noCycle(cycleId);
};

export const noCycle = (cycleId: string): CliError => new CliError(`no cycle ${cycleId} in the store (cycle ids look like unit-0301/2026-01)`);

/** Throws the "no cycles of contract" error unless the arrears view holds a cycle of the contract. */
export const requireContract = async (session: Session, contractId: string, asOf: BusinessDate): Promise<void> => {
  await catchUp(session, { only: ['arrears'], required: ['arrears'] });
  if ((await getArrearsView(session.views).byContract(contractId, { asOf })).cycles.length === 0) throw noCyclesOf(contractId);
};

export const noCyclesOf = (contractId: string): CliError => new CliError(`no cycles of contract ${contractId} in the store`);
