import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson, decodeCommand, decodeContractCommand } from '@renewal-ledger/core';
import { generateContractPortfolio, planContractPortfolio, type ContractPortfolio } from '@renewal-ledger/workload';

const small = { accounts: 300, months: 24 };
const everything = (p: ContractPortfolio) => p.days.flatMap((d) => [...d.contractCommands, ...d.lumpSums, ...d.cycleCommands]);

test('the same seed gives the same plan, another seed another one', () => {
  const a = generateContractPortfolio(small);
  assert.is(canonicalJson(a.days), canonicalJson(generateContractPortfolio(small).days));
  assert.is.not(canonicalJson(a.days), canonicalJson(generateContractPortfolio({ ...small, seed: 7 }).days));
});

test('a day per date from the first of the first month to asOf, each command recorded on its day after it happened', () => {
  const p = generateContractPortfolio(small);
  assert.is(p.firstDay, '2024-12-01');
  assert.is(p.days.length, 728);
  assert.is(p.days.at(-1)!.date, '2026-11-28');
  for (const day of p.days)
    for (const { command, recordedAt } of [...day.contractCommands, ...day.lumpSums, ...day.cycleCommands]) {
      assert.is(recordedAt.slice(0, 10), day.date);
      assert.ok(recordedAt >= command.at, `${command.commandId} recorded before it happened`);
    }
});

test("every command decodes; no bill, reminder or auto-debit by hand: those are the engine's", () => {
  const p = generateContractPortfolio(small);
  for (const day of p.days) {
    for (const { command } of [...day.contractCommands, ...day.lumpSums]) {
      const decoded = decodeContractCommand(JSON.parse(JSON.stringify(command)));
      if (E.isLeft(decoded)) assert.unreachable(decoded.left.message);
    }
    for (const { command } of day.cycleCommands) {
      const decoded = decodeCommand(JSON.parse(JSON.stringify(command)));
      if (E.isLeft(decoded)) assert.unreachable(decoded.left.message);
      assert.not.ok(['Bill', 'SendReminder', 'RecordAutoDebitFailure'].includes(command.type), command.type);
      if (command.type === 'RecordPayment') assert.is.not(command.channel, 'auto-debit');
      // The engine's cycle ids: <contractId>/<period start>.
      assert.match(command.cycleId, /^(bldg-\d\d-unit-\d{4}|park-\d\d-\d{4})\/\d{4}-\d\d-\d\d$/);
    }
  }
});

test('the mix: contracts with their fee plans, mandates, a fee increase, endings, lump sums and loyalty', () => {
  const p = generateContractPortfolio({ accounts: 2000, months: 24 });
  const all = everything(p);
  const of = (type: string) => all.filter((c) => c.command.type === type).map((c) => c.command as unknown as Record<string, any>);
  const opened = of('OpenContract');
  assert.is(opened.length, 2000);
  assert.is(p.contractIds.length, 2000);
  const mandates = of('GiveMandate').length / 2000;
  assert.ok(mandates > 0.09 && mandates < 0.15, `mandates ${mandates}`);
  const ends = of('EndContract').length;
  assert.ok(ends >= 1 && ends <= 25, `ends ${ends}`);
  // Property units: service per m2 at 3.20, utilities 20.00 fixed, parking per space; passes 300.00 a space.
  const unit = opened.find((o) => o.subject.kind === 'property-unit' && o.feePlan.items.length === 3)!;
  assert.equal(
    unit.feePlan.items.map((i: any) => [i.code, i.basis.kind, i.basis.rateMinor]),
    [
      ['service', 'per-area', 320],
      ['utilities', 'fixed', 2000],
      ['parking', 'per-unit', 15000],
    ],
  );
  const pass = opened.find((o) => o.subject.kind === 'parking')!;
  assert.equal(
    pass.feePlan.items.map((i: any) => [i.code, i.basis.kind, i.basis.rateMinor]),
    [['pass', 'per-unit', 30000]],
  );
  assert.ok(opened.every((o) => o.cadence === 'monthly' && o.billingDay === 1 && o.dueAfterDays === 14 && o.startDate >= p.firstDay));
  assert.ok(
    opened.some((o) => o.startDate > p.firstDay),
    'some join later',
  );
  assert.ok(
    opened.some((o) => o.feePlan.discounts?.some((d: any) => d.eligibility.kind === 'tenure-at-least' && d.eligibility.years === 1)),
  );
  // The fee increase: building 01 from 3.20 to 3.40 per m2 from 2026-01-01.
  const changes = of('ChangeFeePlan');
  assert.ok(changes.length > 100);
  assert.ok(
    changes.every(
      (c) => c.contractId.startsWith('bldg-01-') && c.effectiveFrom === '2026-01-01' && c.feePlan.items[0].basis.rateMinor === 340,
    ),
  );
  // Lump sums: about 3% pay a quarter at once, about 1% a year in advance (with the discount in their plan).
  const lumps = of('ReceiveLumpSum');
  const quarters = new Set(lumps.filter((l) => !l.advance).map((l) => l.contractId)).size / 2000;
  const years = lumps.filter((l) => l.advance);
  assert.ok(quarters > 0.015 && quarters < 0.045, `quarter payers ${quarters}`);
  assert.ok(years.length > 0 && years.every((l) => l.advance.periods === 12));
  for (const y of years)
    assert.ok(
      opened
        .find((o) => o.contractId === y.contractId)!
        .feePlan.discounts.some((d: any) => d.eligibility.kind === 'paid-periods-in-advance' && d.eligibility.periods === 12),
    );
  // Cycle activity: payments (some offline, entered later), disputes, plans, refunds.
  const payments = of('RecordPayment');
  assert.ok(payments.some((c) => c.offline));
  for (const type of ['RaiseDispute', 'ResolveDispute', 'AgreeInstallments', 'Refund', 'WriteOff']) assert.ok(of(type).length > 0, type);
});

test('a contract that ends before the fee change takes effect is not given the change', () => {
  // Simulated up to 2025-12-31, some building-01 contracts end in 2025: changing their fee plan
  // from 2026-01-01 would be refused (EFFECTIVE_DATE_INVALID), so the generator must not plan it.
  const p = generateContractPortfolio({ accounts: 200, months: 13, asOf: '2025-12-31', seed: 42 });
  const commands = p.days.flatMap((d) => d.contractCommands.map((c) => c.command as any));
  const endOf = new Map(commands.filter((c) => c.type === 'EndContract').map((c) => [c.contractId, c.endDate as string]));
  const changes = commands.filter((c) => c.type === 'ChangeFeePlan');
  assert.ok(changes.length > 0 && endOf.size > 0);
  for (const c of changes) assert.ok(!endOf.has(c.contractId) || endOf.get(c.contractId)! > c.effectiveFrom, c.contractId);
});

test('growing the portfolio keeps the plan of the contracts already in it', () => {
  const a = generateContractPortfolio({ accounts: 40, months: 12 });
  const b = generateContractPortfolio({ accounts: 70, months: 12 });
  const ids = new Set(a.contractIds);
  const ofFirst = everything(b).filter(
    (c) =>
      ids.has((c.command as { contractId?: string }).contractId ?? c.command.commandId.split('/')[0]!) ||
      ids.has(((c.command as { cycleId?: string }).cycleId ?? '').split('/')[0]!),
  );
  assert.is(canonicalJson(ofFirst), canonicalJson(everything(a)));
});

test('planned day by day, the plan is the one the whole-portfolio generator wrote (the docs quote its figures)', () => {
  // The digests of the days the generator gave when it planned every contract's whole history
  // at once (main at 9f9c3f9), before it planned each month's cycles when the calendar reaches them.
  const digest = (options: Parameters<typeof generateContractPortfolio>[0]) =>
    createHash('sha256')
      .update(canonicalJson(generateContractPortfolio(options).days))
      .digest('hex');
  assert.is(digest(small), '8c65f393e5e6ac1412eb73980d0e6f449718d8855e2436425f2abfa0bc6d2f7b');
  assert.is(
    digest({ accounts: 200, months: 13, asOf: '2025-12-31', seed: 42 }),
    'a731fb1bdbeb68ef20fda885843644bcb74e771c954e409dd69911f878744cc7',
  );
  assert.is(
    digest({ accounts: 120, months: 24, timeZone: 'Asia/Shanghai' }),
    '2176053726a841e3abe4c7f21131adeadfdb4abb85412c7b3a92dd5cccee847e',
  );
  const plan = planContractPortfolio(small);
  assert.equal(plan.counts, generateContractPortfolio(small).counts);
  assert.is(plan.dayCount, 728);
  assert.is(plan.counts.cycleCommands, 6890);
});

test('what the day-by-day plan holds is bounded by the contracts, not by the months simulated', () => {
  // The heap held after a full collection, with the plan walked to its last day and that day in
  // hand. Four times the months add to the whole plan held at once (the history); walking day by
  // day they may add a little (a contract's own state grows a few ids a month), but not a fifth of
  // what the history adds. A ratio of the walked sizes alone was too tight for a garbage
  // collector's noise: 1.38 MB against 2.17 MB once on a busy machine, where the history added 13.7 MB.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heldBy = (hold: () => unknown): number => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const held = hold();
    gc();
    const after = process.memoryUsage().heapUsed;
    assert.ok(held);
    return after - before;
  };
  const walked = (months: number) =>
    heldBy(() => {
      const plan = planContractPortfolio({ accounts: 600, months });
      let last = null;
      for (const day of plan.eachDay()) last = day;
      return [plan, last];
    });
  const whole = (months: number) => heldBy(() => generateContractPortfolio({ accounts: 600, months }));
  const [short, long] = [walked(12), walked(48)];
  const [wholeShort, wholeLong] = [whole(12), whole(48)];
  // The measure sees growth where there is some: the whole plan held at once.
  assert.ok(wholeLong > wholeShort * 2.5, `whole: ${wholeShort} bytes over 12 months, ${wholeLong} over 48`);
  assert.ok(
    long - short < (wholeLong - wholeShort) / 5,
    `walked: ${short} bytes over 12 months, ${long} over 48; the whole plan: ${wholeShort}, ${wholeLong}`,
  );
});

test.run();
