// Alipay's out_trade_no takes letters, digits and '_' only (at most 64): the ledger's shared codec
// (`<contract>_<yyyymmdd>_<amount>`) with the contract's '-' written as '_'. A contract id of that
// codec cannot hold '_', so reading the last two '_' fields as the day and the amount and the rest
// as the contract (its '_' back to '-') undoes it: `unit_0301_20260301_31520` pays unit-0301/2026-03-01.
import { cycleOutTradeNo, type OutTradeNoCodec } from '@renewal-ledger/core';

export const alipayOutTradeNo: OutTradeNoCodec = {
  encode: (cycleId, amountMinor) => cycleOutTradeNo.encode(cycleId, amountMinor).replaceAll('-', '_'),
  cycleOf(outTradeNo) {
    const m = /^([0-9A-Za-z_]+)_(\d{8})_(\d+)$/.exec(outTradeNo);
    return m ? cycleOutTradeNo.cycleOf(`${m[1]!.replaceAll('_', '-')}_${m[2]}_${m[3]}`) : null;
  },
};

/** The amount an out_trade_no asks for (its last field), or null. */
export const amountOfOutTradeNo = (outTradeNo: string): number | null => {
  const m = /_(\d+)$/.exec(outTradeNo);
  return m ? Number(m[1]) : null;
};
