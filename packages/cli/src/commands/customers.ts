// `renewal customers types`: each contract's customer type as of a date, with the figures behind
// it and the course's approach (docs/customer-types.md). Punctuality, settlement days and
// reminders are the behaviour view's; disputes and complaints are counted from the ledger; core's
// classifyCustomer compares them with the thresholds ($RENEWAL_CUSTOMER_TYPES names a JSON file of
// your own, else the defaults).
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import {
  classifyCustomer,
  decodeCustomerTypeThresholds,
  DEFAULT_CUSTOMER_TYPE_THRESHOLDS,
  formatProblem,
  type BusinessDate,
  type CustomerClassification,
  type CustomerTypeThresholds,
} from '@renewal-ledger/core';
import { getBehaviourView, type BehaviourView } from '@renewal-ledger/projection-behaviour';
import { readCustomerCases } from '@renewal-ledger/renewals';
import { dateOf, formatOf, idOf, noPositionals, parse } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT, fileProblem } from '../errors.js';
import { readLedger, type Ledger } from '../ledger.js';
import { print, printJson, table } from '../output.js';
import { catchUp, openSession, readViews, storeUrlOf } from '../session.js';

const NAME = 'customers types';

const thresholdsOf = (env: NodeJS.ProcessEnv = process.env): CustomerTypeThresholds => {
  const path = env.RENEWAL_CUSTOMER_TYPES;
  if (!path) return DEFAULT_CUSTOMER_TYPE_THRESHOLDS;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new CliError(`RENEWAL_CUSTOMER_TYPES ${path} is not JSON: ${e.message}`, EXIT.usage);
    throw fileProblem(path, e);
  }
  const decoded = decodeCustomerTypeThresholds({ ...DEFAULT_CUSTOMER_TYPE_THRESHOLDS, ...(json as object) });
  if (E.isLeft(decoded))
    throw new CliError(`RENEWAL_CUSTOMER_TYPES ${path}: ${decoded.left.problems.map(formatProblem).join('; ')}`, EXIT.usage);
  return decoded.right;
};

/** One contract's classification from the behaviour view's figures and its cases. */
export const classifyContract = async (
  view: BehaviourView,
  ledger: Pick<Ledger, 'endOfDay'>,
  contractId: string,
  asOf: BusinessDate,
  cases: { readonly disputes: number; readonly complaints: number },
  thresholds: CustomerTypeThresholds,
): Promise<CustomerClassification> => {
  const behaviour = await view.contract(contractId, { asOf, lastCycles: thresholds.lastCycles });
  const reminders = await view.contractReminders(contractId, { until: ledger.endOfDay(asOf) });
  return classifyCustomer(
    {
      contractId,
      asOf,
      cycles: behaviour.cycles,
      onTime: behaviour.onTime,
      settledOn: behaviour.standings.flatMap((s) => (s.settledOn === null ? [] : [s.settledOn])),
      reminders: reminders.reminders,
      remindersFollowedByPayment: reminders.followedByPayment,
      disputes: cases.disputes,
      complaints: cases.complaints,
    },
    thresholds,
  );
};

export const customersTypesCommand: Command = {
  name: NAME,
  summary: "each contract's customer type (loyal, hesitant, demanding, impulsive or none) with its figures and approach",
  common: true,
  help: `usage: renewal customers types [--as-of DATE] [--contract ID] [--format table|json]

As of --as-of (default today in the ledger's zone), for each contract with a bill (or --contract):
the type its figures put it in, every rule it meets with the figures, and the course's approach
for the type (channel, tone, timing, offer, and the reminder steps the reminder run can use).
Thresholds: docs/customer-types.md; $RENEWAL_CUSTOMER_TYPES names a JSON file overriding them.`,
  async run(argv) {
    const { values, positionals } = parse(NAME, argv, { 'as-of': { type: 'string' }, contract: { type: 'string' } });
    noPositionals(NAME, positionals);
    const format = formatOf(NAME, values.format, ['table', 'json']);
    const thresholds = thresholdsOf();
    const contractId = values.contract === undefined ? undefined : idOf(NAME, '--contract', values.contract);
    const session = await openSession({ storeUrl: storeUrlOf(values.store), views: values.views, access: readViews('behaviour') });
    try {
      const ledger = await readLedger(session.store, { daysFromInstants: values['as-of'] === undefined });
      const asOf = values['as-of'] === undefined ? ledger.today : dateOf(NAME, '--as-of', values['as-of']);
      await catchUp(session, { only: ['behaviour'], required: ['behaviour'] });
      const view = getBehaviourView(session.views);
      const cases = await readCustomerCases(session.store, { asOf, withinDays: thresholds.demandingWithinDays });
      const ids = contractId !== undefined ? [contractId] : [...cases.keys()].sort();
      const customers: CustomerClassification[] = [];
      for (const id of ids)
        customers.push(await classifyContract(view, ledger, id, asOf, cases.get(id) ?? { disputes: 0, complaints: 0 }, thresholds));
      if (format === 'json') printJson({ asOf, thresholds, customers });
      else if (customers.length === 0) print(`no contracts billed by ${asOf}`);
      else
        print(
          table(
            ['contract', 'type', 'because', 'channel', 'offer'],
            customers.map((c) => [
              c.contractId,
              c.type ?? '(none)',
              c.matches.map((m) => `${m.type}: ${m.because}`).join('; ') ||
                `on time ${c.figures.onTime}/${c.figures.cycles}, ${c.figures.reminders} reminders, ${c.figures.burstCycles} in bursts, ${c.figures.disputes + c.figures.complaints} cases`,
              c.approach?.channel ?? '',
              c.approach?.offer ?? '',
            ]),
          ),
        );
      return 0;
    } finally {
      await session.close();
    }
  },
};
