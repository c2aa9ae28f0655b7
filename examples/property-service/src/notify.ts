// The providers' notification endpoints: POST /notify/alipay and POST /notify/wechat-pay. Nobody
// signs in to call them: the provider's signature is the proof, checked by the channel packages.
// A payment is recorded once however often it arrives; every refusal is kept as a fact
// (NotificationRefused), so a forged or tampered notification leaves a record for the auditor.
// The commands are handled as the `system` role of the service's access policy.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { channelDecider, renewalCycle, type AccessPolicy, type Instant } from '@renewal-ledger/core';
import { getCommandHandler, type EventStore } from '@renewal-ledger/eventstore';
import { alipaySdk, receiveAlipayNotification, type AlipayChannelConfig } from '@renewal-ledger/channel-alipay';
import { cycleOutTradeNo, receiveNotification, type NotificationHeaders, type WeChatPayKeys } from '@renewal-ledger/channel-wechatpay';
import { readText, sendJson, sendText } from './http.js';

export interface NotificationChannels {
  /** Alipay's application settings: POST /notify/alipay answers only when given. */
  readonly alipay?: AlipayChannelConfig;
  /** WeChat Pay's platform keys and API v3 key: POST /notify/wechat-pay answers only when given. */
  readonly wechatPay?: WeChatPayKeys;
}

// The refusals of a notification whose signature did not verify: the provider (or whoever sent
// it) is told no, so a genuine but damaged one is sent again.
const UNVERIFIED = new Set(['missing-header', 'stale', 'unknown-serial', 'bad-signature', 'bad-body', 'undecryptable']);

export const getNotificationEndpoints = (o: {
  readonly store: EventStore;
  readonly policy: AccessPolicy;
  readonly clock: () => Instant;
  readonly channels: NotificationChannels;
}) => {
  const handler = getCommandHandler(renewalCycle, { store: o.store, access: o.policy, role: 'system' });
  const channelHandler = getCommandHandler(channelDecider, { store: o.store, access: o.policy, role: 'system' });
  const alipay = o.channels.alipay;
  const sdk = alipay ? alipaySdk(alipay) : null;
  const endpoints: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {};
  if (alipay && sdk)
    endpoints['/notify/alipay'] = async (req, res) => {
      const outcome = await receiveAlipayNotification({
        body: await readText(req),
        sdk,
        appId: alipay.appId,
        handler,
        channelHandler,
        receivedAt: o.clock(),
      });
      // Alipay reads the body: `success` stops its retries, anything else asks for them.
      sendText(res, 200, outcome.status !== 'refused' || outcome.acknowledge ? 'success' : 'fail');
    };
  const keys = o.channels.wechatPay;
  if (keys)
    endpoints['/notify/wechat-pay'] = async (req, res) => {
      const h = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      const headers: NotificationHeaders = {
        'wechatpay-timestamp': h('wechatpay-timestamp'),
        'wechatpay-nonce': h('wechatpay-nonce'),
        'wechatpay-signature': h('wechatpay-signature'),
        'wechatpay-serial': h('wechatpay-serial'),
      };
      const outcome = await receiveNotification({
        headers,
        body: await readText(req),
        keys,
        nowSeconds: Math.floor(Date.parse(o.clock()) / 1000),
        handler,
        channelHandler,
        outTradeNo: cycleOutTradeNo,
      });
      if (outcome.status !== 'refused' || !UNVERIFIED.has(outcome.problem)) return sendText(res, 204, '');
      sendJson(res, 400, { code: 'FAIL', message: `${outcome.problem}: ${outcome.detail}` });
    };
  return endpoints;
};
