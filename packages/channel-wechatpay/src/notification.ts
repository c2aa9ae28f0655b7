// WeChat Pay API v3 payment notifications (支付成功通知), on node:crypto: the documented protocol
// is two primitives (RSA-SHA256 verification and AES-256-GCM decryption), so no client library
// is needed to receive them, and none is trusted with the keys. The headers carry a timestamp, a
// nonce, the signature and the serial of the key that signed; the signed text is
// `timestamp\nnonce\nbody\n`; the body's `resource` is encrypted with the merchant's API v3 key.
import { createDecipheriv, createVerify, type KeyObject } from 'node:crypto';

export interface NotificationHeaders {
  readonly 'wechatpay-timestamp'?: string;
  readonly 'wechatpay-nonce'?: string;
  readonly 'wechatpay-signature'?: string;
  readonly 'wechatpay-serial'?: string;
}

export interface WeChatPayKeys {
  /** The platform certificate's (or WeChat Pay public key's) serial → its public key. */
  readonly platformKeys: ReadonlyMap<string, KeyObject>;
  /** The merchant's API v3 key: 32 bytes of text. */
  readonly apiV3Key: string;
}

/** The decrypted `resource` of a TRANSACTION.SUCCESS notification (the fields used here). */
export interface WeChatPayTransaction {
  readonly mchid: string;
  readonly appid?: string;
  readonly out_trade_no: string;
  readonly transaction_id: string;
  readonly trade_type?: string;
  readonly trade_state: string;
  readonly success_time: string;
  readonly amount: { readonly total: number; readonly currency?: string; readonly payer_total?: number };
}

export type NotificationCheck =
  | { readonly ok: true; readonly eventType: string; readonly transaction: WeChatPayTransaction }
  | {
      readonly ok: false;
      readonly problem: 'missing-header' | 'stale' | 'unknown-serial' | 'bad-signature' | 'bad-body' | 'undecryptable';
      readonly detail: string;
    };

/** Notifications older or newer than this are refused as replayed (WeChat Pay's own advice: 5 minutes). */
export const MAX_SKEW_SECONDS = 300;

/** Checks the signature and freshness, then decrypts the resource. Never throws for bad input. */
export const readNotification = (
  headers: NotificationHeaders,
  body: string,
  keys: WeChatPayKeys,
  nowSeconds: number,
): NotificationCheck => {
  const unverified = verifySigned(headers, body, keys, nowSeconds);
  if (unverified) return { ok: false, ...unverified };
  let parsed: {
    event_type?: unknown;
    resource?: { algorithm?: unknown; ciphertext?: unknown; nonce?: unknown; associated_data?: unknown };
  };
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'bad-body', detail: 'the body is not JSON' };
  }
  const r = parsed.resource;
  if (r?.algorithm !== 'AEAD_AES_256_GCM' || typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string')
    return { ok: false, problem: 'bad-body', detail: 'resource must be AEAD_AES_256_GCM with ciphertext and nonce' };
  try {
    const plain = decryptResource(keys.apiV3Key, r.ciphertext, r.nonce, typeof r.associated_data === 'string' ? r.associated_data : '');
    return { ok: true, eventType: String(parsed.event_type ?? ''), transaction: JSON.parse(plain) as WeChatPayTransaction };
  } catch (e) {
    return { ok: false, problem: 'undecryptable', detail: (e as Error).message };
  }
};

export type SignatureProblem = {
  readonly problem: 'missing-header' | 'stale' | 'unknown-serial' | 'bad-signature';
  readonly detail: string;
};

/**
 * The platform signature of a notification or of an API answer (the same scheme): null when it
 * verifies and is fresh, else the problem.
 */
export const verifySigned = (
  headers: NotificationHeaders,
  body: string,
  keys: WeChatPayKeys,
  nowSeconds: number,
): SignatureProblem | null => {
  const timestamp = headers['wechatpay-timestamp'];
  const nonce = headers['wechatpay-nonce'];
  const signature = headers['wechatpay-signature'];
  const serial = headers['wechatpay-serial'];
  if (!timestamp || !nonce || !signature || !serial)
    return { problem: 'missing-header', detail: 'Wechatpay-Timestamp, -Nonce, -Signature and -Serial are required' };
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS)
    return { problem: 'stale', detail: `timestamp ${timestamp} is more than ${MAX_SKEW_SECONDS} s from now (${nowSeconds})` };
  const key = keys.platformKeys.get(serial);
  if (!key) return { problem: 'unknown-serial', detail: `no platform key with serial ${serial}` };
  const verified = createVerify('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).verify(key, signature, 'base64');
  if (!verified) return { problem: 'bad-signature', detail: 'the signature does not match the timestamp, nonce and body' };
  return null;
};

/** AES-256-GCM of API v3: the base64 ciphertext ends in the 16-byte tag. */
export const decryptResource = (apiV3Key: string, ciphertext: string, nonce: string, associatedData: string): string => {
  const bytes = Buffer.from(ciphertext, 'base64');
  if (bytes.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
};
