// MissingPackageError: Node's own "not found" errors, from import() and from require(), become an
// error naming the package to install; anything else that fails to load is left as it is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { MissingPackageError, missingPackageIn } from '@renewal-ledger/eventstore';

const failureOf = async (load: () => unknown): Promise<unknown> => {
  try {
    await load();
  } catch (e) {
    return e;
  }
  throw new Error('it loaded');
};

const absent = '@renewal-ledger/no-such-package';

test('a package import() cannot find names that package and what needed it', async () => {
  const cause = await failureOf(() => import(absent));
  const error = missingPackageIn(cause, 'a postgres:// store URL');
  assert.instance(error, MissingPackageError);
  assert.is(error!.code, 'MISSING_PACKAGE');
  assert.is(error!.packageName, absent);
  assert.is(error!.neededFor, 'a postgres:// store URL');
  assert.is(error!.message, `a postgres:// store URL needs the package ${absent}, which is not installed: npm install ${absent}`);
  assert.is(error!.cause, cause);
});

test('a package require() cannot find (a subpath of it too) names the package', async () => {
  const require = createRequire(import.meta.url);
  assert.is(missingPackageIn(await failureOf(() => require('no-such-driver')), 'a SQLite view database')?.packageName, 'no-such-driver');
  assert.is(missingPackageIn(await failureOf(() => require('no-such-driver/lib/x.js')), 'x')?.packageName, 'no-such-driver');
});

test('a missing file, or any other failure, is not a missing package', async () => {
  assert.is(missingPackageIn(await failureOf(() => import(new URL('./no-such-file.js', import.meta.url).href)), 'x'), undefined);
  assert.is(missingPackageIn(new Error('Could not locate the bindings file'), 'x'), undefined);
  assert.is(missingPackageIn(undefined, 'x'), undefined);
});

test.run();
