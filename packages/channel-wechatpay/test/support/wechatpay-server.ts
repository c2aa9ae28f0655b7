// A local HTTP server playing WeChat Pay API v3 as documented: it checks each request's
// Authorization (WECHATPAY2-SHA256-RSA2048, the merchant's signature over
// `METHOD\nURL\ntimestamp\nnonce\nbody\n`), and signs every answer with a platform key
// (Wechatpay-Timestamp, -Nonce, -Signature, -Serial over `timestamp\nnonce\nbody\n`). It keeps
// Native orders and refunds; `pay` plays the customer scanning the code.
import { createServer, type Server } from 'node:http';
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export const PLATFORM_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';

interface Order {
  body: Record<string, any>;
  transactionId: string;
  state: 'NOTPAY' | 'SUCCESS' | 'PAYERROR';
  stateDesc?: string;
  successTime: string;
  refunded: number;
}

export interface FakeWeChatPay {
  readonly baseUrl: string;
  readonly merchant: { publicKey: KeyObject; privateKey: KeyObject };
  readonly orders: Map<string, Order>;
  readonly refunds: Map<string, { refund_id: string; amount: number }>;
  readonly calls: { method: string; url: string; signed: boolean }[];
  /** 委托代扣 contracts: contract_id -> the customer's balance in fen. */
  readonly contracts: Map<string, number>;
  forgeAnswersWith: KeyObject | null;
  /** As WeChat Pay does when the bank is slow: a new refund is answered PROCESSING, the same out_refund_no asked again SUCCESS. */
  refundsProcessFirst: boolean;
  /** The transaction as WeChat Pay reports it (and encrypts into the notification). */
  pay(outTradeNo: string, successTime: string): Record<string, unknown>;
  close(): Promise<void>;
}

let merchantKeys: { publicKey: KeyObject; privateKey: KeyObject } | null = null;

export const startFakeWeChatPay = async (platformPrivateKey: KeyObject, nowSeconds: number): Promise<FakeWeChatPay> => {
  merchantKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchant = merchantKeys;
  const orders = new Map<string, Order>();
  const refunds = new Map<string, { refund_id: string; amount: number }>();
  const calls: { method: string; url: string; signed: boolean }[] = [];
  const contracts = new Map<string, number>();
  let transactions = 0;
  const transactionOf = (outTradeNo: string, o: Order) => ({
    appid: o.body.appid,
    mchid: o.body.mchid,
    out_trade_no: outTradeNo,
    ...(o.state === 'SUCCESS' ? { transaction_id: o.transactionId, success_time: o.successTime } : {}),
    trade_type: 'NATIVE',
    trade_state: o.state,
    ...(o.stateDesc ? { trade_state_desc: o.stateDesc } : {}),
    amount: { total: o.body.amount.total, payer_total: o.body.amount.total, currency: 'CNY', payer_currency: 'CNY' },
  });
  const route = (method: string, url: string, body: Record<string, any>): [number, Record<string, unknown>] => {
    const path = url.split('?')[0]!;
    if (method === 'POST' && path === '/v3/pay/transactions/native') {
      const existing = orders.get(body.out_trade_no);
      if (existing && JSON.stringify(existing.body) !== JSON.stringify(body))
        return [400, { code: 'INVALID_REQUEST', message: '参数与首次请求时不一致' }];
      if (existing?.state === 'SUCCESS') return [400, { code: 'ORDERPAID', message: '该订单已支付' }];
      if (!existing) orders.set(body.out_trade_no, { body, transactionId: '', state: 'NOTPAY', successTime: '', refunded: 0 });
      return [200, { code_url: `weixin://wxpay/bizpayurl?pr=${Buffer.from(body.out_trade_no).toString('hex').slice(0, 12)}` }];
    }
    const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path);
    if (method === 'GET' && query) {
      const no = decodeURIComponent(query[1]!);
      const o = orders.get(no);
      return o ? [200, transactionOf(no, o)] : [404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }];
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') {
      const o = [...orders.values()].find((x) => x.transactionId === body.transaction_id);
      if (!o) return [404, { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' }];
      const done = refunds.get(body.out_refund_no);
      if (done)
        return [200, { refund_id: done.refund_id, out_refund_no: body.out_refund_no, status: 'SUCCESS', amount: { refund: done.amount } }];
      if (body.amount.total !== o.body.amount.total) return [400, { code: 'INVALID_REQUEST', message: '订单金额与原订单不一致' }];
      if (o.refunded + body.amount.refund > o.body.amount.total) return [403, { code: 'NOT_ENOUGH', message: '可退金额不足' }];
      o.refunded += body.amount.refund;
      const refund = { refund_id: `50300000012026031200000000${refunds.size + 1}`, amount: body.amount.refund };
      refunds.set(body.out_refund_no, refund);
      return [
        200,
        {
          refund_id: refund.refund_id,
          out_refund_no: body.out_refund_no,
          status: fake.refundsProcessFirst ? 'PROCESSING' : 'SUCCESS',
          amount: { refund: refund.amount },
        },
      ];
    }
    if (method === 'POST' && path === '/v3/papay/pay/transactions/apply') {
      // Accepted, deducted at once here (WeChat Pay does it asynchronously); the same out_trade_no again is the same order.
      if (orders.has(body.out_trade_no)) return [204, {}];
      const balance = contracts.get(body.contract_id);
      if (balance === undefined) return [400, { code: 'CONTRACT_NOT_EXIST', message: '委托代扣协议不存在' }];
      const o: Order = { body: { ...body, mchid: '1900000109' }, transactionId: '', state: 'PAYERROR', successTime: '', refunded: 0 };
      orders.set(body.out_trade_no, o);
      if (balance < body.amount.total) o.stateDesc = '用户余额不足';
      else {
        contracts.set(body.contract_id, balance - body.amount.total);
        o.state = 'SUCCESS';
        o.transactionId = `42000000012026011500000000${++transactions}`;
        o.successTime = '2026-01-15T10:00:05+08:00';
      }
      return [204, {}];
    }
    return [404, { code: 'NOT_FOUND', message: `${method} ${path}` }];
  };
  const fake: FakeWeChatPay = {
    baseUrl: '',
    merchant,
    orders,
    refunds,
    calls,
    contracts,
    forgeAnswersWith: null,
    refundsProcessFirst: false,
    pay(outTradeNo, successTime) {
      const o = orders.get(outTradeNo)!;
      o.state = 'SUCCESS';
      o.transactionId = `42000000012026031000000000${++transactions}`;
      o.successTime = successTime;
      return transactionOf(outTradeNo, o);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = req.url ?? '/';
      const method = req.method ?? 'GET';
      const auth = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(req.headers.authorization ?? '');
      const fields = Object.fromEntries([...(auth?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const signed =
        !!fields.signature &&
        createVerify('RSA-SHA256')
          .update(`${method}\n${url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`)
          .verify(merchant.publicKey, fields.signature, 'base64');
      calls.push({ method, url, signed });
      const [status, answer] = signed
        ? route(method, url, body ? JSON.parse(body) : {})
        : [401, { code: 'SIGN_ERROR', message: '签名错误' }];
      const text = status === 204 ? '' : JSON.stringify(answer);
      const nonce = `n${calls.length}`;
      const signature = createSign('RSA-SHA256')
        .update(`${nowSeconds}\n${nonce}\n${text}\n`)
        .sign(fake.forgeAnswersWith ?? platformPrivateKey, 'base64');
      res.writeHead(status, {
        'content-type': 'application/json',
        'wechatpay-timestamp': String(nowSeconds),
        'wechatpay-nonce': nonce,
        'wechatpay-signature': signature,
        'wechatpay-serial': PLATFORM_SERIAL,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (fake as { baseUrl: string }).baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
};
