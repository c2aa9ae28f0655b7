// A contract's stream, beside the cycles' `renewal-cycle-<cycleId>`.
import type { ContractId } from '../ids.js';

export const CONTRACT_STREAM_PREFIX = 'renewal-contract-';
export const contractStreamName = (contractId: string): string => `${CONTRACT_STREAM_PREFIX}${contractId}`;
export const contractIdOfStream = (stream: string): ContractId | null =>
  stream.startsWith(CONTRACT_STREAM_PREFIX) ? (stream.slice(CONTRACT_STREAM_PREFIX.length) as ContractId) : null;

/**
 * Contract ids are at most 150 characters, so that the ids the engine derives from them fit the
 * 200 every id has: cycle `<contractId>/<period start>`, bill `bill:<cycleId>`, reminders, credit.
 */
export const MAX_CONTRACT_ID_LENGTH = 150;
