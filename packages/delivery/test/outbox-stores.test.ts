// The outbox on every store: memory, SQLite and PostgreSQL (views in SQLite, SQLite and
// PostgreSQL). Two flats billed 315.20 for January: unit-0301 reachable by e-mail only,
// unit-0302 by phone and post. unit-0301 pays on 20 January; on 8 January (7 days before the due
// date) the default reminder policy sends an app reminder to both, and a clerk phones unit-0302
// (a phone reminder is a call, so no message). So five messages: two notices, two reminders,
// one receipt; each once, whatever is run again, and the same after a rebuild from the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instant } from '@renewal-ledger/core';
import { getProjectionRunner, getSQLiteViewDatabase } from '@renewal-ledger/projections';
import { sendReminders } from '@renewal-ledger/renewals';
import { billedFlats, d } from '@renewal-ledger/testing/delivery';
import { cycleCommand } from '@renewal-ledger/testing/engine';
import { openEnvironment, type StoreKind } from '@renewal-ledger/testing/environments';
import { pgTest } from '@renewal-ledger/testing/postgres';
import { dispatchOutbox, getFileChannel, getLetterPrinter, getOutboxProjection, getOutboxView } from '../src/index.js';

const EXPECTED = [
  ['notice:unit-0301/2026-01-01', 'email', 'pending'],
  ['notice:unit-0302/2026-01-01', 'sms,letter', 'pending'],
  ['receipt:unit-0301/2026-01-01/p-1', 'email', 'pending'],
  ['reminder:unit-0301/2026-01-01/reminder/2026-01-15/1', 'app', 'pending'],
  ['reminder:unit-0302/2026-01-01/reminder/2026-01-15/1', 'app,sms,letter', 'pending'],
];

const onStore = (kind: StoreKind) => async () => {
  const env = await openEnvironment(kind);
  const dir = mkdtempSync(join(tmpdir(), 'renewal-outbox-'));
  try {
    const e = await billedFlats(env.store, [
      { contractId: 'unit-0301', contact: { email: 'wang.fang@example.com' } },
      { contractId: 'unit-0302', contact: { phone: '+86 138 0000 0302', address: 'Building 3, unit 302' } },
    ]);
    e.now.at = '2026-01-08T01:00:05Z' as Instant;
    await sendReminders({ ...e, asOf: d('2026-01-08'), at: '2026-01-08T01:00:00Z' as Instant });
    await e.handler.handle(
      cycleCommand({
        type: 'SendReminder',
        commandId: 'call-0302',
        cycleId: 'unit-0302/2026-01-01',
        actor: 'clerk-li',
        at: '2026-01-08T01:00:00Z',
        reminderId: 'call-0302',
        channel: 'phone',
      }),
    );
    e.now.at = '2026-01-20T02:00:05Z' as Instant;
    await e.handler.handle(
      cycleCommand({
        type: 'RecordPayment',
        commandId: 'pay-1',
        cycleId: 'unit-0301/2026-01-01',
        actor: 'cashier-zhao',
        at: '2026-01-20T02:00:00Z',
        paymentId: 'p-1',
        amountMinor: 31520,
        channel: 'cash',
      }),
    );
    const projection = getOutboxProjection();
    // One event per batch: every fact commits its message with the checkpoint past it.
    await getProjectionRunner({ store: env.store, database: env.views, projections: [projection], batchSize: 1 }).catchUp();
    await getProjectionRunner({ store: env.store, database: env.views, projections: [projection] }).catchUp();
    const rows = async (db = env.views) =>
      (await getOutboxView(db).list())
        .map((r) => [r.message.messageId, r.channels.join(','), r.status])
        .sort((a, b) => a[0]!.localeCompare(b[0]!));
    assert.equal(await rows(), EXPECTED);
    const reminder = (await getOutboxView(env.views).list({ kind: 'reminder' }))[1]!.message;
    assert.equal([reminder.amountMinor, reminder.dueDate, reminder.day, reminder.level], [31520, '2026-01-15', '2026-01-08', 1]);
    // The receipt whole, as core's receiptMessage makes it, key for key and in its order: the row
    // keeps only what its columns do not (no id, kind, contract, cycle or day, no null field),
    // and the view puts the message together again. 20 January 02:00Z is 10:00 in Shanghai.
    const receipt = (await getOutboxView(env.views).list({ kind: 'receipt' }))[0]!.message;
    assert.is(
      JSON.stringify(receipt),
      JSON.stringify({
        messageId: 'receipt:unit-0301/2026-01-01/p-1',
        kind: 'receipt',
        contractId: 'unit-0301',
        cycleId: 'unit-0301/2026-01-01',
        channel: 'email',
        recipient: { name: 'Wang Fang', email: 'wang.fang@example.com' },
        amountMinor: 31520,
        currency: 'CNY',
        dueDate: null,
        period: { start: '2026-01-01', end: '2026-02-01' },
        at: '2026-01-20T02:00:00Z',
        day: '2026-01-20',
        level: null,
        paymentChannel: 'cash',
        reference: null,
      }),
    );
    const [stored] = await env.views.query(
      `SELECT details_json FROM outbox_messages WHERE message_id = 'receipt:unit-0301/2026-01-01/p-1'`,
    );
    assert.equal(Object.keys(JSON.parse(stored!.details_json as string)), [
      'channel',
      'recipient',
      'amountMinor',
      'currency',
      'period',
      'at',
      'paymentChannel',
    ]);

    const report = await dispatchOutbox({
      store: env.store,
      database: env.views,
      adapters: { sms: getFileChannel('sms', dir), app: getFileChannel('app', dir) },
      printer: getLetterPrinter(dir),
      locale: 'zh-CN',
      templates: { sender: '物业服务中心' },
      batchId: 'run-1',
    });
    // No e-mail adapter: the two e-mail-only messages have no channel left.
    assert.equal([report.outcomes.sent, report.undelivered, report.letters], [3, 2, null]);
    const after = [
      ['notice:unit-0301/2026-01-01', 'email', 'pending'],
      ['notice:unit-0302/2026-01-01', 'sms,letter', 'sent'],
      ['receipt:unit-0301/2026-01-01/p-1', 'email', 'pending'],
      ['reminder:unit-0301/2026-01-01/reminder/2026-01-15/1', 'app', 'sent'],
      ['reminder:unit-0302/2026-01-01/reminder/2026-01-15/1', 'app,sms,letter', 'sent'],
    ];
    assert.equal(await rows(), after);
    // A rebuild elsewhere derives the same messages, and their statuses from the delivery events.
    const fresh = getSQLiteViewDatabase({ path: join(dir, 'fresh-views.db') });
    try {
      await getProjectionRunner({ store: env.store, database: fresh, projections: [projection] }).catchUp();
      assert.equal(await rows(fresh), after);
    } finally {
      await fresh.close();
    }
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

test('memory store: each fact gives its message once, and a rebuild gives the same', onStore('memory'));
test('SQLite store: each fact gives its message once, and a rebuild gives the same', onStore('sqlite'));
pgTest(test)('PostgreSQL store and views: each fact gives its message once, and a rebuild gives the same', onStore('postgres'));

test.run();
