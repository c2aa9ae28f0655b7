// The ledger's two aggregates as the engine's services take them: eventstore's one generic
// command handler, run with core's renewalCycle or contractDecider.
import type { contractDecider, renewalCycle } from '@renewal-ledger/core';
import type { CommandHandler, HandleResult } from '@renewal-ledger/eventstore';

/** `getCommandHandler(renewalCycle, { store })`. */
export type CycleHandler = CommandHandler<typeof renewalCycle>;
export type CycleHandleResult = HandleResult<typeof renewalCycle>;
/** `getCommandHandler(contractDecider, { store })`. */
export type ContractHandler = CommandHandler<typeof contractDecider>;
export type ContractHandleResult = HandleResult<typeof contractDecider>;
