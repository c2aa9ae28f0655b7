// The minor units of every currency come from ISO 4217's own list, generated into core's
// iso4217.ts from the `currency-codes` package (`pnpm gen:currencies`). This test fails when the
// module differs from what the installed package says, so an update of the package without
// running the script, or a hand edit of the table, cannot go unnoticed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ISO_4217_MINOR_UNITS } from '../src/iso4217.js';
// @ts-expect-error: a plain ES module script without types
import { expectedModule, MODULE_PATH } from '../../../scripts/gen-currencies.mjs';

test('core/src/iso4217.ts is what pnpm gen:currencies generates from the installed currency-codes', () => {
  assert.fixture(readFileSync(MODULE_PATH as string, 'utf8'), (expectedModule as () => string)());
});

test("every code with minor units agrees with the package's own data; N.A. codes are the ones it turns into 0", () => {
  const { data } = createRequire(import.meta.url)('currency-codes') as { data: { code: string; digits: number }[] };
  const codes = Object.keys(ISO_4217_MINOR_UNITS);
  assert.equal(codes, [...new Set(data.map((c) => c.code))].sort());
  for (const c of data) {
    const units = ISO_4217_MINOR_UNITS[c.code];
    assert.is(units ?? 0, c.digits, c.code);
  }
  // Worked from ISO's list one: the codes QA found Intl wrong about, and the ones with no minor unit.
  assert.equal(
    ['HUF', 'IDR', 'COP', 'PKR', 'MGA', 'IQD', 'CLF', 'UYW', 'JPY', 'KWD', 'XAU', 'XXX'].map((c) => ISO_4217_MINOR_UNITS[c]),
    [2, 2, 2, 2, 2, 3, 4, 4, 0, 3, null, null],
  );
});

test.run();
