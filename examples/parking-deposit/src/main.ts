// One card's deposit from taken to refunded, through eventstore's generic command handler, in a
// store that holds the ledger's events too: `node examples/parking-deposit/dist/main.js [store URL]`.
import * as E from 'fp-ts/lib/Either.js';
import { formatMinor, LEDGER_EVENT_CODECS, storedEventDecoder } from '@renewal-ledger/core';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { openStore } from '@renewal-ledger/stores';
import { decodeDepositCommand, depositStreamName, parkingDeposit } from './deposit.js';

const storeUrl = process.argv[2] ?? 'sqlite:./parking-deposit.db';
// The store decodes every event it reads: the ledger's, and now the deposit's too.
const store = await openStore(storeUrl, { decode: storedEventDecoder([...LEDGER_EVENT_CODECS, parkingDeposit.events]) });
const deposits = getCommandHandler(parkingDeposit, { store });

const card = { cardId: 'card-0417', actor: 'gate-office' };
const inputs = [
  { type: 'TakeDeposit', commandId: 'dep-0417-take', ...card, at: '2026-01-05T08:30:00Z', holder: 'Zhang Wei', amountMinor: 20000, currency: 'CNY' },
  { type: 'DeductForDamage', commandId: 'dep-0417-scratch', ...card, at: '2026-06-30T17:00:00Z', deductionId: 'scratch-1', amountMinor: 3500, reason: 'bent card, reader damaged' },
  { type: 'RefundDeposit', commandId: 'dep-0417-refund', ...card, at: '2026-07-01T09:00:00Z' },
];
try {
  for (const input of inputs) {
    const decoded = decodeDepositCommand(input);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    const r = await deposits.handle(decoded.right);
    const said =
      r.status === 'applied'
        ? `${r.events.map((e) => `${e.type} #${e.globalPosition}`).join(', ')}; held ${formatMinor(r.figures.heldMinor, 'CNY')}`
        : r.status === 'duplicate'
          ? `duplicate (${r.duplicate.key} ${r.duplicate.id}): nothing written`
          : `${r.error.code}: ${r.error.message}`;
    console.log(`${input.type.padEnd(15)} ${r.status.padEnd(9)} ${said}`);
  }
  let events = 0;
  for await (const _ of store.readStream(depositStreamName(card.cardId))) events += 1;
  console.log(`${depositStreamName(card.cardId)}: ${events} events`);
} finally {
  await store.close();
}
