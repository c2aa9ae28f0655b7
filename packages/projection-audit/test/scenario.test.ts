// The audit trail of the hand-written property portfolio: the chain, its verification against
// the store and seals, a cycle's history, and a cycle's state as of / as known at past times.
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson, cycleStreamName } from '@renewal-ledger/core';
import { createInMemoryDatabase, getInMemoryEventStore, type InMemoryDatabase } from '@renewal-ledger/eventstore';
import { getProjectionRunner, getSQLiteViewDatabase, type SQLiteViewDatabase } from '@renewal-ledger/projections';
import {
  AuditTrailMismatchError,
  auditEntries,
  auditProjection,
  cycleAsOf,
  cycleHistory,
  exportAuditCsv,
  exportAuditJsonLines,
  GENESIS_HASH,
  readAuditHead,
  sealAuditChain,
  verifyAuditChain,
  verifyAuditExport,
} from '../src/index.js';
import { feed } from '@renewal-ledger/testing/feed';
import { CYCLES, propertyPortfolio } from '@renewal-ledger/testing/property-portfolio';

const setup = async () => {
  const memory: InMemoryDatabase = createInMemoryDatabase();
  const store = getInMemoryEventStore({ database: memory });
  const commands = propertyPortfolio();
  await feed(store, commands, { strict: true });
  const db: SQLiteViewDatabase = getSQLiteViewDatabase({ path: ':memory:' });
  const runner = getProjectionRunner({ store, database: db, projections: [auditProjection] });
  const [r] = await runner.catchUp();
  assert.is(r!.status, 'caught-up');
  return { memory, store, db, runner, commands };
};

const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const positionOf = (memory: InMemoryDatabase, predicate: (data: Record<string, unknown>) => boolean): bigint =>
  memory.rows.find((r) => predicate(JSON.parse(r.data) as Record<string, unknown>))!.globalPosition;

const test = suite('the audit trail');

test('every event is an entry with who, when and why, chained by sha256 from 64 zeros', async () => {
  const { db, store, commands, memory } = await setup();
  const entries = await collect(auditEntries(db, store));
  assert.is(entries.length, commands.length);
  assert.is(entries[0]!.prevHash, GENESIS_HASH);
  for (let i = 0; i < entries.length; i++) {
    const { prevHash, hash, ...entry } = entries[i]!;
    // Recomputed here from the definition, not with the package's own function.
    assert.is(
      hash,
      createHash('sha256')
        .update(prevHash + canonicalJson(entry))
        .digest('hex'),
    );
    if (i > 0) assert.is(prevHash, entries[i - 1]!.hash);
  }
  const refund = entries.find((e) => e.type === 'Refunded')!;
  assert.is(refund.actor, 'cashier-zhao');
  assert.is(refund.reason, 'Dispute upheld after full payment');
  assert.is(refund.at, '2026-01-27T11:00:00Z');
  assert.is(refund.recordedAt, '2026-01-27T11:00:00Z');
  assert.is(refund.stream, cycleStreamName(CYCLES.refunded));
  const command = commands.find((c) => c.command.type === 'Refund')!.command;
  assert.is(refund.commandId, command.commandId);
  assert.is(refund.correlationId, command.commandId);
  assert.is(refund.position, String(positionOf(memory, (d) => d.refundId === 'ref-r1')));
  const resolution = entries.find((e) => e.type === 'DisputeResolved')!;
  assert.is(resolution.note, 'Re-measured with the customer: 95 m2');
  const offline = entries.find((e) => (e.data as { paymentId?: string }).paymentId === 'part-p2')!;
  assert.is(offline.at, '2026-02-20T10:00:00Z');
  assert.is(offline.recordedAt, '2026-02-23T18:00:00Z');
});

test('an intact chain verifies, and its head can be sealed', async () => {
  const { db, store, commands } = await setup();
  const v = await verifyAuditChain(db, store);
  assert.ok(v.ok, JSON.stringify(v.problem));
  assert.is(v.entries, commands.length);
  const head = (await readAuditHead(db))!;
  assert.equal(v.head, head);
  const { seal } = await sealAuditChain(db, store, { clock: () => '2026-03-31T18:00:00Z' });
  assert.equal(seal, { position: head.position.toString(), hash: head.hash, entries: commands.length, sealedAt: '2026-03-31T18:00:00Z' });
  const again = await verifyAuditChain(db, store, { seals: [seal!] });
  assert.ok(again.ok);
  assert.is(again.sealsMatched, 1);
});

test('an edited audit row is named by its position', async () => {
  const { db, store } = await setup();
  const target = (await collect(auditEntries(db, store)))[9]!;
  await db.execute(`UPDATE audit_entries_v3_1 SET actor = 'someone-else' WHERE position = ?`, [BigInt(target.position)]);
  const v = await verifyAuditChain(db, store);
  assert.not.ok(v.ok);
  assert.is(v.problem!.kind, 'entry-altered');
  assert.is(v.problem!.position, BigInt(target.position));
  assert.is(v.entries, 9);
});

test('an audit row removed breaks the chain at the next entry', async () => {
  const { db, store } = await setup();
  const entries = await collect(auditEntries(db, store));
  await db.execute(`DELETE FROM audit_entries_v3_1 WHERE position = ?`, [BigInt(entries[4]!.position)]);
  const v = await verifyAuditChain(db, store);
  assert.is(v.problem!.kind, 'chain-broken');
  assert.is(v.problem!.position, BigInt(entries[5]!.position));
});

test("the view keeps the entry's own fields, a digest of the rest and the hashes as bytes: no copy of the event", async () => {
  const { db, store } = await setup();
  const [row] = await db.query('SELECT * FROM audit_entries ORDER BY position LIMIT 1');
  assert.equal(Object.keys(row!).sort(), [
    'actor',
    'at',
    'hash',
    'note',
    'position',
    'prev_hash',
    'reason',
    'recorded_at',
    'revision',
    'role',
    'stored_digest',
    'stream',
    'type',
  ]);
  const first = (await collect(auditEntries(db, store)))[0]!;
  // 32 bytes each; the hash is the entry's, the digest sha256 of the canonical JSON of what the
  // store holds (recomputed here from the definition).
  assert.is(Buffer.from(row!.hash as Uint8Array).toString('hex'), first.hash);
  assert.is(Buffer.from(row!.prev_hash as Uint8Array).toString('hex'), GENESIS_HASH);
  const { data, eventId, schemaVersion, commandId, correlationId, causationId } = first;
  assert.is(
    Buffer.from(row!.stored_digest as Uint8Array).toString('hex'),
    createHash('sha256').update(canonicalJson({ data, eventId, schemaVersion, commandId, correlationId, causationId })).digest('hex'),
  );
});

test("an audit row's digest, prevHash or hash edited is an edited row, named by its position", async () => {
  for (const column of ['stored_digest', 'prev_hash', 'hash']) {
    const { db, store } = await setup();
    const target = (await collect(auditEntries(db, store)))[6]!;
    await db.execute(`UPDATE audit_entries_v3_1 SET ${column} = ? WHERE position = ?`, [
      new Uint8Array(32).fill(7),
      BigInt(target.position),
    ]);
    const v = await verifyAuditChain(db, store);
    assert.is(v.problem?.kind, 'entry-altered', column);
    assert.is(v.problem!.position, BigInt(target.position), column);
    assert.is(v.entries, 6, column);
  }
});

test('a forged row put in place of a removed one is caught at its position', async () => {
  const { db, store } = await setup();
  const entries = await collect(auditEntries(db, store));
  const last = entries.at(-1)!;
  const bytes = (hex: string) => Buffer.from(hex, 'hex');
  const [lastRow] = await db.query('SELECT * FROM audit_entries_v3_1 WHERE position = ?', [BigInt(last.position)]);
  const forge = (position: bigint, prevHash: string) =>
    db.execute(
      `INSERT INTO audit_entries_v3_1 (position, stream, revision, type, actor, role, at, recorded_at, reason, note, stored_digest, prev_hash, hash)
       VALUES (?, 'renewal-cycle-forged', 0, 'Paid', 'nobody', NULL, NULL, '2026-04-01T00:00:00Z', NULL, NULL, ?, ?, ?)`,
      [position, lastRow!.stored_digest as Uint8Array, bytes(prevHash), new Uint8Array(32).fill(1)],
    );
  // In place of a removed entry, linked to the entry before it: neither its digest nor its hash
  // matches the stored event, so the check cannot tell which side changed and names the event
  // at that position as differing from what was audited, field by field.
  const victim = entries[11]!;
  await db.execute('DELETE FROM audit_entries_v3_1 WHERE position = ?', [BigInt(victim.position)]);
  await forge(BigInt(victim.position), entries[10]!.hash);
  const inPlace = await verifyAuditChain(db, store);
  assert.is(inPlace.problem?.kind, 'event-altered');
  assert.is(inPlace.problem!.position, BigInt(victim.position));
  assert.match(inPlace.problem!.reason, /differs from what was audited in: stream, type, actor, .*data, eventId/);
  assert.is(inPlace.entries, 11);
});

test("a stored event's ids edited after the fact are named as the fields the view keeps a digest of", async () => {
  const { db, store, memory } = await setup();
  const position = positionOf(memory, (d) => d.paymentId === 'part-p1');
  const row = memory.rows[Number(position) - 1]!;
  const edited = row.metadata.replace(/"commandId":"([^"]+)"/, '"commandId":"$1-x"');
  assert.is.not(edited, row.metadata);
  row.metadata = edited;
  const v = await verifyAuditChain(db, store);
  assert.is(v.problem?.kind, 'event-altered');
  assert.is(v.problem!.position, position);
  assert.match(v.problem!.reason, 'commandId');
  assert.match(v.problem!.reason, 'the audit view keeps their digest');
  assert.not.match(v.problem!.reason, /in: actor/);
});

test('the trail read beside an edited store says which audited event changed, and shows nothing else', async () => {
  const { db, store, memory } = await setup();
  const position = positionOf(memory, (d) => d.paymentId === 'part-p1');
  const row = memory.rows[Number(position) - 1]!;
  row.data = row.data.replace('"amountMinor":20000', '"amountMinor":2000');
  try {
    await collect(exportAuditJsonLines(db, store));
    assert.unreachable('the export read an event other than the one audited');
  } catch (e) {
    assert.instance(e, AuditTrailMismatchError);
    assert.is((e as AuditTrailMismatchError).position, position);
    assert.match((e as Error).message, `at position ${position}`);
  }
  // Another cycle's entries, read by stream, are untouched.
  const other = await collect(auditEntries(db, store, { stream: cycleStreamName(CYCLES.refunded) }));
  assert.is(other.length, 5);
});

test('a stored event edited after the fact is named by its position', async () => {
  const { db, store, memory } = await setup();
  const position = positionOf(memory, (d) => d.paymentId === 'part-p1');
  const row = memory.rows[Number(position) - 1]!;
  row.data = row.data.replace('"amountMinor":20000', '"amountMinor":2000');
  const v = await verifyAuditChain(db, store);
  assert.not.ok(v.ok);
  assert.is(v.problem!.kind, 'event-altered');
  assert.is(v.problem!.position, position);
  assert.match(v.problem!.reason, /data/);
});

test('a stored event that no longer decodes is named by its position', async () => {
  const { db, store, memory } = await setup();
  const position = positionOf(memory, (d) => d.paymentId === 'def-p1');
  const row = memory.rows[Number(position) - 1]!;
  row.data = row.data.replace('"amountMinor":30000', '"amountMinor":-30000');
  const v = await verifyAuditChain(db, store);
  assert.is(v.problem!.kind, 'event-unreadable');
  assert.is(v.problem!.position, position);
});

test('a history rewritten together with its audit rows passes the chain but not the seal', async () => {
  const { db, store, memory, runner } = await setup();
  const { seal } = await sealAuditChain(db, store, { clock: () => '2026-03-31T18:00:00Z' });
  // Someone lowers a payment in the store and rebuilds the audit view: a consistent new chain.
  const position = positionOf(memory, (d) => d.paymentId === 'lump-feb');
  const row = memory.rows[Number(position) - 1]!;
  row.data = row.data.replace('"amountMinor":30000', '"amountMinor":3000');
  const [rebuilt] = await runner.rebuild();
  assert.is(rebuilt!.status, 'caught-up');
  assert.ok((await verifyAuditChain(db, store)).ok, 'the rewritten chain is consistent in itself');
  const v = await verifyAuditChain(db, store, { seals: [seal!] });
  assert.not.ok(v.ok);
  assert.is(v.problem!.kind, 'seal-mismatch');
  assert.is(v.problem!.position, BigInt(seal!.position));
});

test('seals narrow a rewrite down to the stretch between the last matching seal and the first that fails', async () => {
  const { db, store, memory, runner, commands } = await setup();
  const entries = await collect(auditEntries(db, store));
  const sealAt = (i: number) => ({ position: entries[i]!.position, hash: entries[i]!.hash, entries: i + 1, sealedAt: `day ${i}` });
  const seals = [sealAt(9), sealAt(19), sealAt(commands.length - 1)];
  const position = positionOf(memory, (d) => d.paymentId === 'disp-p1');
  assert.ok(position > BigInt(entries[9]!.position) && position <= BigInt(entries[19]!.position));
  const row = memory.rows[Number(position) - 1]!;
  row.data = row.data.replace('"channel":"cash"', '"channel":"card"');
  await runner.rebuild();
  const v = await verifyAuditChain(db, store, { seals });
  assert.is(v.sealsMatched, 1);
  assert.is(v.problem!.kind, 'seal-mismatch');
  assert.is(v.problem!.position, BigInt(entries[19]!.position));
});

test('exports as JSON lines and CSV; an export verifies on its own and against a seal', async () => {
  const { db, store, commands } = await setup();
  const lines = await collect(exportAuditJsonLines(db, store));
  assert.is(lines.length, commands.length);
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.is(first.prevHash, GENESIS_HASH);
  assert.is(lines[0], `${canonicalJson(first)}\n`);
  const { seal } = await sealAuditChain(db, store);
  assert.ok((await verifyAuditExport(lines, { seals: [seal!] })).ok);
  const forged = lines.map((l, i) => (i === 3 ? l.replace('"billing-run"', '"clerk-li"') : l));
  const v = await verifyAuditExport(forged);
  assert.is(v.problem!.kind, 'entry-altered');
  assert.is(v.problem!.position, BigInt((JSON.parse(lines[3]!) as { position: string }).position));

  const csv = await collect(exportAuditCsv(db, store));
  assert.is(csv.length, commands.length + 1);
  assert.ok(csv[0]!.startsWith('position,stream,revision,event_id,type,schema_version,actor,role,at,recorded_at'));
  // JSON data has commas and quotes: the field is quoted and its quotes doubled.
  const refund = csv.find((l) => l.includes(',Refunded,'))!;
  assert.match(refund, /,"\{""actor"":""cashier-zhao"",""amountMinor"":8000,/);
  assert.match(refund, /,Dispute upheld after full payment,/);
});

test('the history of a cycle: one readable line per event with the balance after it', async () => {
  const { store } = await setup();
  const history = await cycleHistory(store, CYCLES.refunded);
  assert.equal(
    history.map((h) => [h.type, h.outstandingAfterMinor]),
    [
      ['Billed', 60000],
      ['Paid', 0],
      ['Disputed', 0],
      ['DisputeResolved', -8000],
      ['Refunded', 0],
    ],
  );
  assert.match(
    history[1]!.line,
    /2026-01-08 10:00 UTC {2}Paid 600\.00 CNY by card, reference CARD-5501 \(payment ref-p1\)\. By cashier-zhao\. Outstanding 0\.00 CNY\./,
  );
  assert.match(history[3]!.text, /Dispute disp-c upheld, bill lowered by 80\.00 CNY: Re-measured with the customer/);
  assert.match(history[3]!.line, /Outstanding -80\.00 CNY/);
  const offline = await cycleHistory(store, CYCLES.partial);
  assert.match(offline[2]!.line, /2026-02-20 10:00 UTC {2}Paid 100\.00 CNY by cash, taken offline .* recorded 2026-02-23 18:00 UTC/);
  assert.equal(await cycleHistory(store, 'no-such-cycle'), []);
});

test('as of a business time includes a payment entered later; as known at a recorded time does not', async () => {
  const { store, memory } = await setup();
  // The 10000 cash of 2026-02-20 was entered on 2026-02-23.
  const asOf = await cycleAsOf(store, CYCLES.partial, { at: '2026-02-21T00:00:00Z' });
  assert.is(asOf.figures.netPaidMinor, 30000);
  assert.is(asOf.figures.outstandingMinor, 20000);
  const known = await cycleAsOf(store, CYCLES.partial, { knownAt: '2026-02-21T00:00:00Z' });
  assert.is(known.figures.netPaidMinor, 20000);
  assert.is(known.figures.outstandingMinor, 30000);
  assert.is(known.excluded, 1);
  // On 02-21 the bill due 01-15 was 16 + 21 = 37 days late.
  assert.is(known.aging!.daysPastDue, 37);
  assert.is(known.aging!.bucket, '31-60');
  // Both: what had happened by 02-21 as the books showed on 02-22: the same as known on 02-21.
  const both = await cycleAsOf(store, CYCLES.partial, { at: '2026-02-21T00:00:00Z', knownAt: '2026-02-22T00:00:00Z' });
  assert.is(both.figures.outstandingMinor, 30000);
  // As of a global position: before the first payment.
  const firstPayment = positionOf(memory, (d) => d.paymentId === 'part-p1');
  const before = await cycleAsOf(store, CYCLES.partial, { position: firstPayment - 1n });
  assert.is(before.figures.outstandingMinor, 50000);
  assert.is(before.aging, null);
});

test('as of a past time, a plan that was later cancelled still ages by its instalments', async () => {
  const { store } = await setup();
  // On 03-10 plan-d was active: 30000 paid on 02-01 covers the first instalment; the second
  // (03-01) is 9 days late; the third (04-01) not due yet.
  const march10 = await cycleAsOf(store, CYCLES.defaulted, { at: '2026-03-10T00:00:00Z' });
  assert.is(march10.aging!.planStatus, 'active');
  assert.is(march10.aging!.overdueMinor, 30000);
  assert.is(march10.aging!.daysPastDue, 9);
  assert.is(march10.aging!.bucket, '1-30');
  assert.is(march10.aging!.notYetDueMinor, 30000);
  const later = await cycleAsOf(store, CYCLES.defaulted, { at: '2026-03-31T00:00:00Z' });
  assert.is(later.aging!.planStatus, 'cancelled');
  assert.is(later.aging!.overdueMinor, 60000);
  assert.is(later.aging!.bucket, '61-90');
});

test.run();
