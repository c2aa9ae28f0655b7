// `renewal refunds relay`: every refund the ledger recorded of a payment that came in through
// Alipay or WeChat Pay is sent to that provider, and its answer recorded (docs/payment-channels.md,
// "The refund relay"). Safe to run as often as you like: a refund answered finally is not sent
// again, and one sent again goes under the same key, so the provider moves no money twice.
import { channelDecider, type RefundSender } from '@renewal-ledger/core';
import { alipayRefundSender, alipaySdk } from '@renewal-ledger/channel-alipay';
import { weChatPayRefundSender } from '@renewal-ledger/channel-wechatpay';
import { getCommandHandler } from '@renewal-ledger/eventstore';
import { relayRefunds, type RelayedRefundOutcome } from '@renewal-ledger/renewals';
import { openStore } from '@renewal-ledger/stores';
import { formatOf, noPositionals, parse } from '../args.js';
import type { Command } from '../command.js';
import { accessOf, actorOf as whoActs } from '../actor.js';
import { CliError, UsageError } from '../errors.js';
import { clockNow } from '../ledger.js';
import { count, print, printJson, table } from '../output.js';
import { alipayConfigOf, weChatPayMerchantOf } from '../provider-settings.js';
import { storeUrlOf } from '../session.js';

const whatBecame = (r: RelayedRefundOutcome): string => {
  switch (r.outcome) {
    case 'sent':
    case 'already-answered':
      return r.status;
    case 'failed':
      return r.error;
    case 'no-sender':
      return `${r.provider} is not configured`;
    case 'not-relayed':
      return r.why.reason === 'not-a-provider-payment' ? `paid by ${r.why.channel}` : r.why.reason;
  }
};

const RELAY = 'refunds relay';
export const refundsRelayCommand: Command = {
  name: RELAY,
  summary: 'send the refunds of Alipay and WeChat Pay payments to the provider and record its answer',
  common: true,
  help: `usage: renewal refunds relay [--after POSITION] [--format table|json]

Reads the ledger's refunds (Refunded) and sends each refund of an Alipay or WeChat Pay payment to
its provider, with the refund id as the provider's idempotency key (Alipay out_request_no, WeChat
Pay out_refund_no); the provider's answer is recorded (ProviderRefundAnswered). A refund answered
finally (succeeded or refused) is not sent again; one answered "processing" is asked again on the
next run; one whose answer was not recorded (no answer, or the run stopped) is sent again under the
same key, and the provider moves no money twice. Refunds of cash, card or transfers are listed as
not relayed: the office pays those out. Exits 1 when a refund could not be sent.

The providers' settings come from the environment (docs/payment-channels.md):
  Alipay       ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY [, ALIPAY_GATEWAY]
  WeChat Pay   WECHATPAY_MCHID, WECHATPAY_APPID, WECHATPAY_SERIAL_NO, WECHATPAY_PRIVATE_KEY,
               WECHATPAY_API_V3_KEY, WECHATPAY_PLATFORM_SERIAL, WECHATPAY_PLATFORM_KEY [, WECHATPAY_BASE_URL]
A provider not configured leaves its refunds open (listed, and sent on a later run).

  --after P    read the log after global position P (the checkpoint a previous run printed);
               default the whole log`,
  async run(argv) {
    const { values, positionals } = parse(RELAY, argv, { after: { type: 'string' } });
    noPositionals(RELAY, positionals);
    const format = formatOf(RELAY, values.format, ['table', 'json']);
    let after: bigint | undefined;
    if (values.after !== undefined) {
      if (!/^(-1|\d+)$/.test(values.after))
        throw new UsageError(`--after ${JSON.stringify(values.after)}: a global position (a whole number)`, RELAY);
      after = BigInt(values.after);
    }
    const alipay = alipayConfigOf(process.env);
    const wechat = weChatPayMerchantOf(process.env, RELAY);
    const store = await openStore(storeUrlOf(values.store), { create: false });
    try {
      const who = await whoActs(store, RELAY, values.actor);
      const channelHandler = getCommandHandler(channelDecider, { store, ...accessOf(who) });
      const now = () => clockNow();
      const actor = who.actor ?? undefined;
      const senders: { alipay?: RefundSender; 'wechat-pay'?: RefundSender } = {
        ...(alipay ? { alipay: alipayRefundSender(alipaySdk(alipay), { channelHandler, now, ...(actor ? { actor } : {}) }) } : {}),
        ...(wechat ? { 'wechat-pay': weChatPayRefundSender(wechat, { channelHandler, now, ...(actor ? { actor } : {}) }) } : {}),
      };
      const report = await relayRefunds({ store, senders, ...(after !== undefined ? { after } : {}) });
      const failed = report.refunds.filter((r) => r.outcome === 'failed').length;
      if (format === 'json') printJson({ refunds: report.refunds, checkpoint: String(report.checkpoint) });
      else {
        if (report.refunds.length > 0)
          print(
            table(
              ['refund', 'provider', 'outcome', 'answer'],
              report.refunds.map((r) => [r.refundId, 'provider' in r ? r.provider : '', r.outcome, whatBecame(r)]),
            ),
          );
        const sent = report.refunds.filter((r) => r.outcome === 'sent').length;
        print(
          `Refund relay: ${count(report.refunds.length)} refunds read, ${count(sent)} sent, ${count(failed)} failed; checkpoint ${report.checkpoint} (--after for the next run)`,
        );
      }
      if (failed > 0) throw new CliError(`${failed} refund(s) could not be sent; run again to send them under the same key`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const refundsCommands: readonly Command[] = [refundsRelayCommand];
