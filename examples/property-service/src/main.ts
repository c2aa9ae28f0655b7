#!/usr/bin/env node
// Starts the property service: node examples/property-service/dist/main.js [--store URL] [--port N]
import { createPublicKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { NotificationChannels } from './notify.js';
import { startPropertyService } from './service.js';

/** The providers' settings from the environment (README: "Notification endpoints"); none set, no endpoint. */
const channelsFromEnv = (env: NodeJS.ProcessEnv): NotificationChannels => ({
  ...(env.ALIPAY_APP_ID && env.ALIPAY_PRIVATE_KEY && env.ALIPAY_PUBLIC_KEY
    ? {
        alipay: {
          appId: env.ALIPAY_APP_ID,
          privateKey: env.ALIPAY_PRIVATE_KEY,
          alipayPublicKey: env.ALIPAY_PUBLIC_KEY,
          ...(env.ALIPAY_GATEWAY ? { gateway: env.ALIPAY_GATEWAY } : {}),
        },
      }
    : {}),
  ...(env.WECHATPAY_API_V3_KEY && env.WECHATPAY_PLATFORM_SERIAL && env.WECHATPAY_PLATFORM_KEY
    ? {
        wechatPay: {
          apiV3Key: env.WECHATPAY_API_V3_KEY,
          platformKeys: new Map([[env.WECHATPAY_PLATFORM_SERIAL, createPublicKey(env.WECHATPAY_PLATFORM_KEY)]]),
        },
      }
    : {}),
});

const usage = `usage: node examples/property-service/dist/main.js [--store URL] [--views WHERE] [--port N] [--host H]
  --store URL    the event store (default $RENEWAL_STORE, else sqlite:./renewal.db); postgres://... works too
  --views WHERE  where the views live (default: beside the store: ./renewal-views.db, or schema renewal_views)
  --port N       default 8080 (0: any free port)
  --host H       default 127.0.0.1`;

const main = async () => {
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by the parseArgs call assigned inside the try below
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        store: { type: 'string' },
        views: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const port = Number(values.port ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port takes a port number 0-65535\n${usage}`);
    return 2;
  }
  const store = values.store ?? (process.env.RENEWAL_STORE || 'sqlite:./renewal.db');
  const service = await startPropertyService({
    store,
    ...(values.views ? { views: values.views } : {}),
    port,
    ...(values.host ? { host: values.host } : {}),
    channels: channelsFromEnv(process.env),
  });
  console.log(`Property service on ${store}: dashboard at ${service.url}/ , API under ${service.url}/api/`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await service.close();
  console.log('Stopped.');
  return 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`property service: ${(e as Error).message}`);
    if (process.argv.includes('--debug')) console.error((e as Error).stack);
    process.exitCode = 1;
  },
);
