// A reconciliation folded from its events: the statement's result and the resolutions since.
import type { DifferenceResolvedData, ReconciliationEvent, StatementReconciledData } from './events.js';

export interface ReconciliationState {
  readonly reconciled: StatementReconciledData | null;
  readonly resolutions: readonly DifferenceResolvedData[];
  readonly commandIds: readonly string[];
}

export const initialReconciliationState = (): ReconciliationState => ({ reconciled: null, resolutions: [], commandIds: [] });

export const evolveReconciliation = (state: ReconciliationState, event: ReconciliationEvent): ReconciliationState => {
  const commandIds = [...state.commandIds, event.data.commandId];
  switch (event.type) {
    case 'StatementReconciled':
      return { ...state, commandIds, reconciled: event.data };
    case 'DifferenceResolved':
      return { ...state, commandIds, resolutions: [...state.resolutions, event.data] };
  }
};

export interface ReconciliationStatus {
  /** Every difference found, listed or not. */
  readonly differences: number;
  readonly resolved: number;
  /** differences - resolved: the day is closed when this is 0. */
  readonly open: number;
}

const differencesOf = (s: ReconciliationState): number => {
  const c = s.reconciled?.counts;
  return c ? c.missingInLedger + c.missingInStatement + c.amountDifferences + c.dateDifferences : 0;
};

export const reconciliationStatus = (state: ReconciliationState): ReconciliationStatus => {
  const differences = differencesOf(state);
  return { differences, resolved: state.resolutions.length, open: differences - state.resolutions.length };
};
