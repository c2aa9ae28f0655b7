// POST /delivery-reports/<channel>: a provider's delivery reports (an SMS gateway's receipts, a
// mail relay's DSNs turned into JSON) over HTTP, recorded by @renewal-ledger/delivery's
// `recordDeliveryReports` (docs/reminders-and-notices.md#delivery-reports). The body is the
// report format, one JSON object a line; a line without a channel takes the path's, and one
// naming another channel is refused. Nobody signs in to call it: the provider is
// configured with a bearer token, compared in constant time. The reports are recorded as the
// `system` role of the service's access policy; the same report twice records once.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DELIVERY_CHANNELS, type AccessPolicy, type Instant } from '@renewal-ledger/core';
import type { EventStore } from '@renewal-ledger/eventstore';
import { recordDeliveryReports } from '@renewal-ledger/delivery';
import { HttpError, readText, sendJson } from './http.js';

export interface DeliveryReportsOptions {
  /** The bearer token the providers send (`Authorization: Bearer <token>`). */
  readonly token: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export const getDeliveryReportEndpoints = (o: {
  readonly store: EventStore;
  readonly policy: AccessPolicy;
  readonly clock: () => Instant;
  readonly reports?: DeliveryReportsOptions;
}) => {
  const endpoints: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {};
  const reports = o.reports;
  if (!reports) return endpoints;
  const expected = digest(`Bearer ${reports.token}`);
  for (const channel of DELIVERY_CHANNELS)
    endpoints[`/delivery-reports/${channel}`] = async (req, res) => {
      const given = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
      if (!timingSafeEqual(digest(given), expected))
        throw new HttpError(401, {
          error: { code: 'UNAUTHENTICATED', message: 'a delivery report needs the provider token (Authorization: Bearer ...)' },
        });
      const summary = await recordDeliveryReports((await readText(req)).split('\n'), {
        store: o.store,
        channel,
        actor: 'delivery-reports',
        access: { policy: o.policy, role: 'system' },
        clock: o.clock,
      });
      sendJson(res, summary.refused.length > 0 ? 422 : 200, summary);
    };
  return endpoints;
};
