// A contract as a Decider, like the cycle's renewalCycle.
import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../decider.js';
import type { ContractCommand } from './commands.js';
import { decideContract } from './decide.js';
import type { ContractError } from './errors.js';
import type { ContractEvent } from './events.js';
import { evolveContract, initialContractState, type ContractState } from './state.js';

export const contractDecider: Decider<ContractCommand, ContractEvent, ContractState, ContractError> = {
  decide: (command, state) => {
    const d = decideContract(command, state);
    return E.isLeft(d) ? d : E.right(d.right.events);
  },
  evolve: evolveContract,
  initialState: initialContractState,
};
