// A contract as an aggregate, like the cycle's renewalCycle: its Decider, its stream, its events'
// codec and its credit figures.
import type { Aggregate } from '../aggregate.js';
import type { ContractCommand } from './commands.js';
import { decideContract, type ContractDuplicate } from './decide.js';
import type { ContractError } from './errors.js';
import { contractEvents, type ContractEvent } from './events.js';
import { contractFigures, evolveContract, initialContractState, type ContractFigures, type ContractState } from './state.js';
import { contractStreamName } from './stream.js';

export const contractDecider: Aggregate<ContractCommand, ContractEvent, ContractState, ContractError, ContractDuplicate, ContractFigures> =
  {
    decide: decideContract,
    evolve: evolveContract,
    initialState: initialContractState,
    streamName: (command) => contractStreamName(command.contractId),
    events: contractEvents,
    figures: contractFigures,
  };
