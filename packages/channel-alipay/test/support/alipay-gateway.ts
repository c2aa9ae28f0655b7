// A local HTTP server playing Alipay's gateway (openapi.alipay.com/gateway.do) as its documentation
// describes it: it checks the merchant's RSA2 signature over the sorted request parameters, answers
// `{"<method>_response": {...}, "sign": "..."}` signed with "Alipay's" key over the response
// object's text, and keeps orders, refunds and withholding agreements. `pay` plays the customer
// scanning the code and returns the asynchronous notification Alipay would send, signed the
// documented way (every parameter but sign and sign_type, sorted, k=v joined by &).
import { createServer, type Server } from 'node:http';
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export const keyPair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    privateKey,
    publicKey,
  };
};

export const signParams = (
  params: Record<string, string>,
  key: KeyObject | string,
  without: readonly string[] = ['sign', 'sign_type'],
): string =>
  createSign('RSA-SHA256')
    .update(
      Object.keys(params)
        .filter((k) => !without.includes(k) && params[k] !== '')
        .sort()
        .map((k) => `${k}=${params[k]}`)
        .join('&'),
      'utf8',
    )
    .sign(key, 'base64');

interface Order {
  totalAmount: string;
  subject: string;
  tradeNo: string;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS';
  paidAt: string;
  refunded: number;
}

export interface FakeAlipay {
  readonly gateway: string;
  readonly appId: string;
  readonly alipay: ReturnType<typeof keyPair>;
  readonly app: ReturnType<typeof keyPair>;
  readonly orders: Map<string, Order>;
  readonly refunds: Map<string, { tradeNo: string; amount: string }>;
  /** agreement_no -> the customer's balance in fen. */
  readonly agreements: Map<string, number>;
  /** Every call: method and whether the merchant's signature verified. */
  readonly calls: { method: string; signed: boolean }[];
  /** Answers signed with this key instead of Alipay's (a man in the middle). */
  forgeAnswersWith: KeyObject | null;
  /** The customer pays the order; the notification Alipay then sends, form-encoded. */
  pay(outTradeNo: string, paidAt: string): string;
  /** A notification with these parameters, signed with `key` (default Alipay's). */
  notification(params: Record<string, string>, key?: KeyObject): string;
  close(): Promise<void>;
}

const toMinor = (yuan: string): number => {
  const [i, f = ''] = yuan.split('.');
  return Number(i) * 100 + Number(f.padEnd(2, '0'));
};
const toYuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

// Generating RSA keys is slow: one pair for Alipay and one for the application serve every test.
let keys: { alipay: ReturnType<typeof keyPair>; app: ReturnType<typeof keyPair> } | null = null;

export const startFakeAlipay = async (appId = '2021000000000001'): Promise<FakeAlipay> => {
  keys ??= { alipay: keyPair(), app: keyPair() };
  const { alipay, app } = keys;
  const orders = new Map<string, Order>();
  const refunds = new Map<string, { tradeNo: string; amount: string }>();
  const agreements = new Map<string, number>();
  const calls: { method: string; signed: boolean }[] = [];
  let trades = 0;
  const nextTradeNo = () => `2026031022001${String(++trades).padStart(15, '0')}`;
  const fail = (subCode: string, subMsg: string, code = '40004') => ({ code, msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });
  const ok = (fields: Record<string, unknown>) => ({ code: '10000', msg: 'Success', ...fields });

  const answer = (method: string, biz: Record<string, any>): Record<string, unknown> => {
    switch (method) {
      case 'alipay.trade.precreate': {
        const existing = orders.get(biz.out_trade_no);
        if (existing && existing.totalAmount !== biz.total_amount) return fail('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
        if (existing?.status === 'TRADE_SUCCESS') return fail('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
        if (!existing)
          orders.set(biz.out_trade_no, {
            totalAmount: biz.total_amount,
            subject: biz.subject,
            tradeNo: '',
            status: 'WAIT_BUYER_PAY',
            paidAt: '',
            refunded: 0,
          });
        return ok({
          out_trade_no: biz.out_trade_no,
          qr_code: `https://qr.alipay.com/bax0${Buffer.from(biz.out_trade_no).toString('hex').slice(0, 20)}`,
        });
      }
      case 'alipay.trade.query': {
        const o = orders.get(biz.out_trade_no);
        if (!o || (o.status === 'WAIT_BUYER_PAY' && !o.tradeNo)) return fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
        return ok({
          trade_no: o.tradeNo,
          out_trade_no: biz.out_trade_no,
          trade_status: o.status,
          total_amount: o.totalAmount,
          send_pay_date: o.paidAt,
        });
      }
      case 'alipay.trade.refund': {
        const entry = [...orders.entries()].find(([, o]) => o.tradeNo === biz.trade_no);
        if (!entry) return fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
        const [outTradeNo, o] = entry;
        const done = refunds.get(biz.out_request_no);
        // The same out_request_no again: the same refund, no money moves (fund_change N).
        if (done) return ok({ trade_no: o.tradeNo, out_trade_no: outTradeNo, refund_fee: toYuan(o.refunded), fund_change: 'N' });
        const amount = toMinor(biz.refund_amount);
        if (o.refunded + amount > toMinor(o.totalAmount)) return fail('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
        o.refunded += amount;
        refunds.set(biz.out_request_no, { tradeNo: o.tradeNo, amount: biz.refund_amount });
        return ok({ trade_no: o.tradeNo, out_trade_no: outTradeNo, refund_fee: toYuan(o.refunded), fund_change: 'Y' });
      }
      case 'alipay.trade.pay': {
        if (biz.product_code !== 'GENERAL_WITHHOLDING') return fail('ACQ.INVALID_PARAMETER', 'product_code');
        const existing = orders.get(biz.out_trade_no);
        if (existing?.status === 'TRADE_SUCCESS') return fail('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
        const agreementNo = biz.agreement_params?.agreement_no;
        const balance = agreements.get(agreementNo);
        if (balance === undefined) return fail('ACQ.AGREEMENT_NOT_EXIST', '协议不存在');
        const amount = toMinor(biz.total_amount);
        if (balance < amount) return fail('ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足');
        agreements.set(agreementNo, balance - amount);
        const o: Order = {
          totalAmount: biz.total_amount,
          subject: biz.subject,
          tradeNo: nextTradeNo(),
          status: 'TRADE_SUCCESS',
          paidAt: '2026-01-15 10:00:05',
          refunded: 0,
        };
        orders.set(biz.out_trade_no, o);
        return ok({ trade_no: o.tradeNo, out_trade_no: biz.out_trade_no, total_amount: o.totalAmount, gmt_payment: o.paidAt });
      }
      default:
        return fail('isv.invalid-method', `不存在的方法名 ${method}`, '40002');
    }
  };

  const fake: FakeAlipay = {
    gateway: '',
    appId,
    alipay,
    app,
    orders,
    refunds,
    agreements,
    calls,
    forgeAnswersWith: null,
    pay(outTradeNo, paidAt) {
      const o = orders.get(outTradeNo);
      if (!o) throw new Error(`no order ${outTradeNo}`);
      o.status = 'TRADE_SUCCESS';
      o.tradeNo = nextTradeNo();
      o.paidAt = paidAt;
      return fake.notification({
        notify_time: paidAt,
        notify_type: 'trade_status_sync',
        notify_id: `ac05099524730693a8b330c5ecf72da${trades}`,
        app_id: appId,
        charset: 'utf-8',
        version: '1.0',
        trade_no: o.tradeNo,
        out_trade_no: outTradeNo,
        trade_status: 'TRADE_SUCCESS',
        total_amount: o.totalAmount,
        receipt_amount: o.totalAmount,
        buyer_pay_amount: o.totalAmount,
        gmt_create: paidAt,
        gmt_payment: paidAt,
        subject: o.subject,
      });
    },
    notification(params, key = alipay.privateKey) {
      const signed = { ...params, sign_type: 'RSA2', sign: signParams(params, key) };
      return new URLSearchParams(signed).toString();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const params: Record<string, string> = {};
      for (const [k, v] of url.searchParams) params[k] = v;
      for (const [k, v] of new URLSearchParams(body)) params[k] = v;
      const method = params.method ?? '';
      const signed =
        !!params.sign &&
        createVerify('RSA-SHA256')
          .update(
            Object.keys(params)
              .filter((k) => k !== 'sign')
              .sort()
              .map((k) => `${k}=${params[k]}`)
              .join('&'),
            'utf8',
          )
          .verify(app.publicKey, params.sign, 'base64');
      calls.push({ method, signed });
      const result = signed ? answer(method, JSON.parse(params.biz_content ?? '{}')) : fail('isv.invalid-signature', '验签出错', '40002');
      const text = JSON.stringify(result);
      const sign = createSign('RSA-SHA256')
        .update(text, 'utf8')
        .sign(fake.forgeAnswersWith ?? alipay.privateKey, 'base64');
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' });
      res.end(`{"${method.replaceAll('.', '_')}_response":${text},"sign":"${sign}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (fake as { gateway: string }).gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`;
  return fake;
};
