// The payment providers' settings from the environment, under the names the property service's
// notification endpoints read (examples/property-service README, "Notification endpoints"), plus
// what sending to WeChat Pay needs beyond checking its notifications: the merchant's id, app id,
// API certificate serial and private key. A provider whose settings are absent is not configured.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { AlipayChannelConfig } from '@renewal-ledger/channel-alipay';
import type { WeChatPayMerchant } from '@renewal-ledger/channel-wechatpay';
import { UsageError } from './errors.js';

export const alipayConfigOf = (env: NodeJS.ProcessEnv): AlipayChannelConfig | null =>
  env.ALIPAY_APP_ID && env.ALIPAY_PRIVATE_KEY && env.ALIPAY_PUBLIC_KEY
    ? {
        appId: env.ALIPAY_APP_ID,
        privateKey: env.ALIPAY_PRIVATE_KEY,
        alipayPublicKey: env.ALIPAY_PUBLIC_KEY,
        ...(env.ALIPAY_GATEWAY ? { gateway: env.ALIPAY_GATEWAY } : {}),
      }
    : null;

const WECHATPAY = [
  'WECHATPAY_MCHID',
  'WECHATPAY_APPID',
  'WECHATPAY_SERIAL_NO',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_API_V3_KEY',
  'WECHATPAY_PLATFORM_SERIAL',
  'WECHATPAY_PLATFORM_KEY',
] as const;

export const weChatPayMerchantOf = (env: NodeJS.ProcessEnv, command: string): WeChatPayMerchant | null => {
  const given = WECHATPAY.filter((name) => env[name]);
  if (given.length === 0) return null;
  const missing = WECHATPAY.filter((name) => !env[name]);
  if (missing.length > 0) throw new UsageError(`WeChat Pay is half configured: ${missing.join(', ')} not set`, command);
  const v = (name: (typeof WECHATPAY)[number]) => env[name] as string;
  return {
    mchid: v('WECHATPAY_MCHID'),
    appid: v('WECHATPAY_APPID'),
    serialNo: v('WECHATPAY_SERIAL_NO'),
    privateKey: createPrivateKey(v('WECHATPAY_PRIVATE_KEY')),
    keys: {
      apiV3Key: v('WECHATPAY_API_V3_KEY'),
      platformKeys: new Map([[v('WECHATPAY_PLATFORM_SERIAL'), createPublicKey(v('WECHATPAY_PLATFORM_KEY'))]]),
    },
    ...(env.WECHATPAY_BASE_URL ? { baseUrl: env.WECHATPAY_BASE_URL } : {}),
  };
};
