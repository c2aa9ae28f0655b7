// The merchant's side of an Alipay application: its app id, its private key (requests are signed
// with it, RSA2), Alipay's public key (responses and notifications are verified with it), and the
// gateway. Everything that talks to Alipay goes through Alipay's own SDK (`alipay-sdk`, v4).
import { AlipaySdk } from 'alipay-sdk';

export interface AlipayChannelConfig {
  readonly appId: string;
  /** The application's private key, PEM (PKCS#1 `RSA PRIVATE KEY` unless `keyType` says PKCS8). */
  readonly privateKey: string;
  readonly keyType?: 'PKCS1' | 'PKCS8';
  /** Alipay's public key (开放平台 → 支付宝公钥), PEM or its base64 body. */
  readonly alipayPublicKey: string;
  /** Default Alipay's production gateway `https://openapi.alipay.com/gateway.do`; the sandbox, or a test server. */
  readonly gateway?: string;
  /** Where Alipay sends its asynchronous notifications (the property service's /notify/alipay). */
  readonly notifyUrl?: string;
  /** Milliseconds before a call counts as unanswered. Default the SDK's 5000. */
  readonly timeoutMs?: number;
}

/** The SDK configured for the ledger: Alipay's field names kept as documented (no camelCase). */
export const alipaySdk = (config: AlipayChannelConfig): AlipaySdk =>
  new AlipaySdk({
    appId: config.appId,
    privateKey: config.privateKey,
    keyType: config.keyType ?? 'PKCS1',
    alipayPublicKey: config.alipayPublicKey,
    signType: 'RSA2',
    camelcase: false,
    ...(config.gateway ? { gateway: config.gateway } : {}),
    ...(config.timeoutMs ? { timeout: config.timeoutMs } : {}),
  });
