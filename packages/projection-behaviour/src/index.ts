// @renewal-ledger/projection-behaviour: payment behaviour (punctuality per contract, reminder
// effectiveness per channel and level, collection rate per billing period, takings per channel).
//
// The public API, name by name (api/projection-behaviour.api.md is its report; CONTRIBUTING.md
// says how to change it).

// The projection for the runner, the names of its view's tables, and its one rule's window.
export {
  BEHAVIOUR_PROJECTION,
  BEHAVIOUR_CYCLES,
  BEHAVIOUR_STATES,
  BEHAVIOUR_REMINDERS,
  BEHAVIOUR_TAKINGS,
  BEHAVIOUR_LEDGER,
  REMINDER_WINDOW_DAYS,
  behaviourProjection,
} from './projection.js';

// Reading the view: contracts, reminder effects, collection per period, takings per channel.
export {
  type CycleStanding,
  type ContractBehaviour,
  type ContractReminders,
  type ReminderEffect,
  type PeriodCollection,
  type ChannelTakings,
  type TakingsReport,
  type BehaviourView,
  getBehaviourView,
} from './view.js';
