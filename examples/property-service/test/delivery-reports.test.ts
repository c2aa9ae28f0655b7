// POST /delivery-reports/<channel> over HTTP: an SMS gateway's receipts for a notice it took,
// authenticated by the provider's bearer token, recorded once however often they arrive.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deliveryCommandId, deliveryDecider, type Instant, type RecordDelivery } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { startOnSQLite } from './support.js';

const test = suite('delivery reports endpoint');
const NOTICE = 'notice:unit-0301/2026-03-01';
const TOKEN = 'sms-gateway-token';

const post = (url: string, body: string, token = TOKEN) =>
  fetch(url, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } }).then(
    async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }),
  );

const deliveryFacts = async (s: Awaited<ReturnType<typeof startOnSQLite>>) => {
  const out: string[] = [];
  for await (const e of s.service.store.readAll())
    if (e.streamName.startsWith('delivery-')) out.push(`${e.type} ${(e.data as { channel: string }).channel}`);
  return out;
};

test('a delivered receipt is recorded once; a wrong token or another channel records nothing', async () => {
  const s = await startOnSQLite({ clock: () => '2026-03-02T00:00:00Z' as Instant, deliveryReports: { token: TOKEN } });
  try {
    // What the dispatcher records when the gateway takes the notice.
    const sent: RecordDelivery = {
      type: 'RecordDelivery',
      commandId: deliveryCommandId(NOTICE, 'sms', 'sent'),
      actor: 'delivery',
      at: '2026-03-01T02:00:00Z' as Instant,
      messageId: NOTICE,
      channel: 'sms',
      outcome: 'sent',
      attempts: 1,
    } as RecordDelivery;
    await getCommandHandler(deliveryDecider, { store: s.service.store }).handle(sent);
    const receipt = JSON.stringify({ idempotencyKey: `${NOTICE}#sms`, status: 'delivered', at: '2026-03-01T02:00:07Z' });

    const stranger = await post(`${s.service.url}/delivery-reports/sms`, receipt, 'guessed');
    assert.equal(stranger.status, 401);
    const wrongChannel = await post(`${s.service.url}/delivery-reports/email`, receipt);
    assert.equal(wrongChannel.status, 422);
    assert.equal(
      (wrongChannel.json.refused as { problem: string }[])[0]!.problem,
      'idempotencyKey "notice:unit-0301/2026-03-01#sms": <messageId>#email expected',
    );
    assert.equal(await deliveryFacts(s), ['MessageSent sms']);

    const first = await post(`${s.service.url}/delivery-reports/sms`, receipt);
    assert.equal([first.status, first.json.delivered, first.json.duplicates], [200, 1, 0]);
    const again = await post(`${s.service.url}/delivery-reports/sms`, `${receipt}\n`);
    assert.equal([again.status, again.json.delivered, again.json.duplicates], [200, 0, 1]);
    assert.equal(await deliveryFacts(s), ['MessageSent sms', 'MessageDelivered sms']);
  } finally {
    await s.stop();
  }
});

test('without a token configured there is no endpoint', async () => {
  const s = await startOnSQLite();
  try {
    const r = await fetch(`${s.service.url}/delivery-reports/sms`, { method: 'POST', body: '{}' });
    assert.equal(r.status, 404);
  } finally {
    await s.stop();
  }
});

test.run();
