// The README promises that its example runs as printed: the code block in README.md must be
// this example's source, and running it must print the figures worked out by hand below.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const source = readFileSync(`${root}examples/quickstart/src/main.ts`, 'utf8');

test('README shows the example exactly as it is in examples/quickstart', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a ts code block');
  assert.fixture(block![1]!, source);
});

test('the example prints the figures and aging worked out by hand', () => {
  const out = execFileSync(
    process.execPath,
    ['--conditions=@renewal-ledger/source', '--import', 'tsx', 'examples/quickstart/src/main.ts'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  // 98.50 m2 x 3.20 = 315.20; paid 100.00; plan of 107.60 + 107.60 = 215.20.
  assert.match(out, 'Bill: Billed');
  assert.match(out, 'RecordPayment: Paid');
  assert.match(out, 'AgreeInstallments: InstallmentAgreed');
  assert.match(out, 'total 315.20 CNY, paid 100.00, outstanding 215.20');
  // Before the first instalment falls due nothing is overdue.
  assert.match(out, 'as of 2026-02-10: overdue 0.00, 0 days, bucket current, plan active');
  // The first instalment (due 15 Feb) is 14 days late on 1 March.
  assert.match(out, 'as of 2026-03-01: overdue 107.60, 14 days, bucket 1-30, plan active');
  // Both unpaid by 20 April: aged from the oldest, 15 Feb: 64 days.
  assert.match(out, 'as of 2026-04-20: overdue 215.20, 64 days, bucket 61-90, plan active');
});

test.run();
