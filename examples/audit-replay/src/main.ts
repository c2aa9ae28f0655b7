#!/usr/bin/env node
// node examples/audit-replay/dist/main.js --store sqlite:./renewal-demo.db [--cycle ID] [--as-of DATE]
//   [--seals audit-seals.jsonl] [--export audit-export.jsonl] [--views PATH]
import { parseArgs } from 'node:util';
import { isBusinessDate } from '@renewal-ledger/core';
import { runAuditReplay } from './replay.js';

const usage = `usage: node examples/audit-replay/dist/main.js [--store URL] [--cycle ID] [--as-of DATE] [--seals FILE] [--export FILE] [--views WHERE]
  --store URL     the ledger (default $RENEWAL_STORE, else sqlite:./renewal-demo.db)
  --cycle ID      the bill to replay (default: the one with the latest payment entered after the day it was taken)
  --as-of DATE    replay it as of this date, YYYY-MM-DD
  --seals FILE    seals from earlier visits, one JSON per line: all must still match; today's is added
  --export FILE   export the trail as JSON lines there and check the export on its own
  --views WHERE   the audit view's database (default: beside the store)`;

const main = async (): Promise<number> => {
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by the parseArgs call assigned inside the try below
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        store: { type: 'string' },
        views: { type: 'string' },
        cycle: { type: 'string' },
        'as-of': { type: 'string' },
        seals: { type: 'string' },
        export: { type: 'string' },
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
  if (values['as-of'] !== undefined && !isBusinessDate(values['as-of'])) {
    console.error(`--as-of takes a date YYYY-MM-DD, got ${JSON.stringify(values['as-of'])}`);
    return 2;
  }
  return runAuditReplay({
    store: values.store ?? (process.env.RENEWAL_STORE || 'sqlite:./renewal-demo.db'),
    ...(values.views ? { views: values.views } : {}),
    ...(values.cycle ? { cycle: values.cycle } : {}),
    ...(values['as-of'] ? { asOf: values['as-of'] } : {}),
    ...(values.seals ? { seals: values.seals } : {}),
    ...(values.export ? { exportTo: values.export } : {}),
  });
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`audit-replay: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
