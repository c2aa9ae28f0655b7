// The out-trade-no the ledger sends a provider (WeChat Pay: 6 to 32 of [0-9A-Za-z_-|*]; Alipay: up
// to 64 of letters, digits and _): the cycle and the amount, so a notification names what it pays,
// and the same request always the same number (idempotent on retry: both providers refuse a second
// order under one out-trade-no). Shared by the channel packages, so it lives here. A cycle id has
// characters WeChat Pay does not take ('/'), so the number carries a registry key instead when
// needed: here the caller maps it.
export interface OutTradeNoCodec {
  /** The out-trade-no of a payment request. */
  encode(cycleId: string, amountMinor: number): string;
  /** The cycle an out-trade-no pays, or null when it is not one of the ledger's. */
  cycleOf(outTradeNo: string): string | null;
}

/**
 * `<contract>_<yyyymmdd>_<amount>` for cycle ids `<contract>/<yyyy-mm-dd>` whose contract id is
 * made of [0-9A-Za-z-] and short enough: `unit-0301_20260301_31520`.
 */
export const cycleOutTradeNo: OutTradeNoCodec = {
  encode(cycleId, amountMinor) {
    const m = /^([0-9A-Za-z-]+)\/(\d{4})-(\d{2})-(\d{2})$/.exec(cycleId);
    if (!m) throw new RangeError(`cycle ${cycleId} cannot be written in an out-trade-no`);
    const no = `${m[1]}_${m[2]}${m[3]}${m[4]}_${amountMinor}`;
    if (no.length > 32) throw new RangeError(`out-trade-no ${no} is longer than 32 characters`);
    return no;
  },
  cycleOf(outTradeNo) {
    const m = /^([0-9A-Za-z-]+)_(\d{4})(\d{2})(\d{2})_\d+$/.exec(outTradeNo);
    return m ? `${m[1]}/${m[2]}-${m[3]}-${m[4]}` : null;
  },
};
