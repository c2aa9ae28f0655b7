// A car park's monthly passes on a simulated clock: opens the passes, then runs each day's
// renewals, auto-debits (simulated gateway) and reminders, takes the counter payments, and
// prints the month's activity and the arrears at the end.
//
//   node examples/parking-renewals/dist/main.js [--store sqlite:./parking.db] [--passes 50]
//     [--months 1] [--from 2026-01-01] [--seed 1] [--failure-rate 0.2] [--json]
import { parseArgs } from 'node:util';
import { isBusinessDate, type BusinessDate } from '@renewal-ledger/core';
import { renderReport } from './render.js';
import { runCarPark, type CarParkOptions } from './worker.js';

const usage =
  'usage: node examples/parking-renewals/dist/main.js [--store URL] [--passes N] [--months N] [--from YYYY-MM-01] [--seed N] [--failure-rate R] [--json]';

const main = async (): Promise<number> => {
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by the parseArgs call assigned inside the try below
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        store: { type: 'string', default: 'sqlite:./parking.db' },
        passes: { type: 'string', default: '50' },
        months: { type: 'string', default: '1' },
        from: { type: 'string', default: '2026-01-01' },
        seed: { type: 'string', default: '1' },
        'failure-rate': { type: 'string', default: '0.2' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const whole = (name: string, v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--${name} takes a positive whole number; got ${JSON.stringify(v)}`);
    return Number(v);
  };
  let options: CarParkOptions & { storeUrl: string; seed: number; failureRate: number };
  try {
    if (!isBusinessDate(values.from) || !values.from.endsWith('-01'))
      throw new Error(`--from takes the first day of a month, YYYY-MM-01; got ${JSON.stringify(values.from)}`);
    const failureRate = Number(values['failure-rate']);
    if (!/^[01](\.\d+)?$/.test(values['failure-rate']) || failureRate > 1)
      throw new Error(`--failure-rate takes a share from 0 to 1; got ${JSON.stringify(values['failure-rate'])}`);
    options = {
      storeUrl: values.store,
      passes: whole('passes', values.passes),
      months: whole('months', values.months),
      from: values.from as BusinessDate,
      seed: Number(whole('seed', values.seed)),
      failureRate,
    };
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  const report = await runCarPark(options);
  if (values.json) console.log(JSON.stringify({ ...report, passes: report.passes.length }, null, 2));
  else console.log(renderReport(report, options));
  return 0;
};

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`parking-renewals: ${(e as Error).message}`);
    process.exit(1);
  },
);
