// A simulated payment gateway for examples and tests: it moves no money and reaches no network.
// Each attempt's outcome is drawn from the seed and the attempt id alone, so the same attempt
// always gets the same answer (as a real gateway's idempotency key guarantees) and a portfolio
// replays identically; a share `failureRate` of attempts fail, with a provider-like reason.
import type { CollectionResult, Instant } from '@renewal-ledger/core';
import type { CollectionRequest, PaymentGateway } from './gateway.js';

export interface SimulatedPaymentGatewayOptions {
  readonly seed: number;
  /** Share of attempts that fail, 0 to 1. */
  readonly failureRate: number;
  /** Seconds after `requestedAt` the simulated provider settles. Default 0. */
  readonly settleAfterSeconds?: number;
}

export interface SimulatedPaymentGateway extends PaymentGateway {
  readonly name: 'simulated';
  /** Every request answered, in order (a repeated attempt id once per call). */
  readonly requests: readonly CollectionRequest[];
  /** Attempt ids charged: each at most once, however often asked. */
  readonly charged: ReadonlyMap<string, number>;
}

/** The failures a real provider gives, and whether trying again later can help. */
export const SIMULATED_FAILURES = [
  { code: 'insufficient-funds', reason: 'Insufficient funds in the account', retryable: true },
  { code: 'insufficient-funds', reason: 'Insufficient funds in the account', retryable: true },
  { code: 'insufficient-funds', reason: 'Insufficient funds in the account', retryable: true },
  { code: 'provider-unavailable', reason: 'The payment provider did not answer in time', retryable: true },
  { code: 'card-expired', reason: 'The card on the mandate has expired', retryable: false },
  { code: 'mandate-cancelled', reason: 'The customer cancelled the agreement with the provider', retryable: false },
] as const;

/**
 * FNV-1a over the text, finished with murmur3's fmix32: a small, stable hash (no crypto needed to
 * draw a simulated outcome). Without the finish, ids that differ only in their last character (a
 * first attempt and its retry) drew almost the same number, so a retry nearly always failed again.
 */
const fnv1a = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
};

const later = (at: Instant, seconds: number): Instant =>
  seconds === 0 ? at : (new Date(Date.parse(at) + seconds * 1000).toISOString().replace('.000Z', 'Z') as Instant);

export const getSimulatedPaymentGateway = (options: SimulatedPaymentGatewayOptions): SimulatedPaymentGateway => {
  if (!(options.failureRate >= 0 && options.failureRate <= 1)) throw new RangeError('failureRate: a number from 0 to 1');
  const answers = new Map<string, CollectionResult>();
  const requests: CollectionRequest[] = [];
  const charged = new Map<string, number>();
  return {
    name: 'simulated',
    requests,
    charged,
    collect: async (request) => {
      requests.push(request);
      const known = answers.get(request.attemptId);
      if (known) return known;
      const draw = fnv1a(`${options.seed}:${request.attemptId}`) / 0x1_0000_0000;
      const at = later(request.requestedAt, options.settleAfterSeconds ?? 0);
      let answer: CollectionResult;
      if (draw < options.failureRate) {
        const f = SIMULATED_FAILURES[fnv1a(`${options.seed}:why:${request.attemptId}`) % SIMULATED_FAILURES.length]!;
        answer = { status: 'failed', code: f.code, reason: f.reason, retryable: f.retryable, at };
      } else {
        charged.set(request.attemptId, request.amountMinor);
        answer = {
          status: 'collected',
          transactionId: `SIM-${fnv1a(`${options.seed}:tx:${request.attemptId}`).toString(16).padStart(8, '0')}`,
          amountMinor: request.amountMinor,
          at,
        };
      }
      answers.set(request.attemptId, answer);
      return answer;
    },
  };
};
