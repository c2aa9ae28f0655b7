// The calendar is date-fns' (issue 11): no hand-written calendar arithmetic is left in core. This
// scans core's sources for its usual signs (a leap-year rule, Date.UTC, the UTC getters and
// setters) so a new one cannot slip in beside calendar.ts. The day of an instant is
// business-days.ts' businessDayOf, never a UTC slice: `.slice(0, 10)` appears only where calendar.ts
// reads the date part of a string that is a date or a UTC instant by construction.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));

test('no hand-written calendar arithmetic in core: leap years, Date.UTC, getUTC*/setUTC*', () => {
  const found: string[] = [];
  for (const file of files(src)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/%\s*(4|100|400)\b|Date\.UTC\(|\.(get|set)UTC\w*\(/.test(line)) found.push(`${relative(src, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.equal(found, []);
});

test('an instant is sliced to a date only in calendar.ts', () => {
  const found = files(src).filter((f) => !f.endsWith('calendar.ts') && /\.slice\(0, 10\)/.test(readFileSync(f, 'utf8')));
  assert.equal(
    found.map((f) => relative(src, f)),
    [],
  );
});

test.run();
