// Alipay's asynchronous notification (异步通知): a form-encoded POST whose parameters are signed
// RSA2 (SHA256withRSA) over all of them but `sign` and `sign_type`, sorted by name, `k=v` joined
// by '&'. Verified with the SDK's checkNotifySignV2 (the values as received, not URL-decoded a
// second time: a '%' in a subject would otherwise break it).
import type { AlipaySdk } from 'alipay-sdk';
import type { AlipayTrade } from './payment.js';

export type AlipayNotificationCheck =
  | { readonly ok: true; readonly params: Readonly<Record<string, string>>; readonly trade: AlipayTrade }
  | { readonly ok: false; readonly problem: 'bad-body' | 'bad-signature' | 'unknown-app'; readonly detail: string };

const REQUIRED = ['sign', 'app_id', 'trade_no', 'out_trade_no', 'trade_status', 'total_amount'] as const;

/** Checks the body (`application/x-www-form-urlencoded`, as received) against Alipay's key and our app id. Never throws for bad input. */
export const readAlipayNotification = (body: string, sdk: AlipaySdk, appId: string): AlipayNotificationCheck => {
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  const missing = REQUIRED.filter((k) => !params[k]);
  if (missing.length) return { ok: false, problem: 'bad-body', detail: `missing ${missing.join(', ')}` };
  let verified = false;
  try {
    verified = sdk.checkNotifySignV2(params);
  } catch (e) {
    return { ok: false, problem: 'bad-signature', detail: (e as Error).message };
  }
  if (!verified) return { ok: false, problem: 'bad-signature', detail: 'the RSA2 signature does not match the parameters' };
  if (params.app_id !== appId) return { ok: false, problem: 'unknown-app', detail: `app_id ${params.app_id} is not ours (${appId})` };
  return {
    ok: true,
    params,
    trade: {
      trade_no: params.trade_no!,
      out_trade_no: params.out_trade_no!,
      trade_status: params.trade_status!,
      total_amount: params.total_amount!,
      paid_at: params.gmt_payment ?? '',
    },
  };
};
