// Calling WeChat Pay API v3 on node:crypto and fetch: every request carries the documented
// Authorization header (WECHATPAY2-SHA256-RSA2048: the merchant's RSA-SHA256 signature over
// `METHOD\nURL\ntimestamp\nnonce\nbody\n`, with its certificate's serial), and every answer's
// signature (Wechatpay-* headers over `timestamp\nnonce\nbody\n`, by a platform key) is verified
// before the answer is believed: an answer that does not verify throws, like no answer at all.
import { createSign, randomBytes, type KeyObject } from 'node:crypto';
import { verifySigned, type WeChatPayKeys } from './notification.js';

export interface WeChatPayMerchant {
  readonly mchid: string;
  readonly appid: string;
  /** The serial of the merchant's API certificate (its private key signs requests). */
  readonly serialNo: string;
  readonly privateKey: KeyObject;
  /** The platform keys and the API v3 key, as for notifications. */
  readonly keys: WeChatPayKeys;
  /** Default WeChat Pay's `https://api.mch.weixin.qq.com`; a test server here. */
  readonly baseUrl?: string;
  /** Where WeChat Pay sends notifications (the property service's /notify/wechat-pay). */
  readonly notifyUrl?: string;
  /** The clock, in seconds (requests are signed with it, answers checked against it). Default the machine's. */
  readonly nowSeconds?: () => number;
}

/** WeChat Pay answered, and the answer is no (HTTP 4xx/5xx with its code: `ORDER_NOT_EXIST`, `NOT_ENOUGH`). */
export class WeChatPayRefusal extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`WeChat Pay refused (${httpStatus}): ${code} ${detail}`);
    this.name = 'WeChatPayRefusal';
  }
}

export const authorization = (
  m: WeChatPayMerchant,
  method: string,
  url: string,
  body: string,
  timestamp: number,
  nonce: string,
): string => {
  const signature = createSign('RSA-SHA256').update(`${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`).sign(m.privateKey, 'base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${m.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${m.serialNo}"`;
};

/** One signed call; the verified JSON answer, or WeChatPayRefusal for a verified refusal. */
export const callWeChatPay = async (
  m: WeChatPayMerchant,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
): Promise<Record<string, unknown>> => {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const now = (m.nowSeconds ?? (() => Math.floor(Date.now() / 1000)))();
  const response = await fetch(`${m.baseUrl ?? 'https://api.mch.weixin.qq.com'}${url}`, {
    method,
    headers: {
      authorization: authorization(m, method, url, body, now, randomBytes(16).toString('hex')),
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body } : {}),
  });
  const text = await response.text();
  const h = (name: string) => response.headers.get(name) ?? undefined;
  const check = verifySigned(
    {
      'wechatpay-timestamp': h('wechatpay-timestamp'),
      'wechatpay-nonce': h('wechatpay-nonce'),
      'wechatpay-signature': h('wechatpay-signature'),
      'wechatpay-serial': h('wechatpay-serial'),
    },
    text,
    m.keys,
    now,
  );
  if (check) throw new Error(`WeChat Pay's answer to ${method} ${url} is not believed: ${check.problem}: ${check.detail}`);
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) throw new WeChatPayRefusal(response.status, String(json.code ?? response.status), String(json.message ?? ''));
  return json;
};
