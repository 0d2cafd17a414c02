/**
 * An independent, plain-TypeScript model of the vault's documented waterfall, used by the journey test to compute
 * every expected amount to the unit. It follows the written rules, not the Solidity code.
 */
/** The notes' accumulator scale. */
export const SCALE = 10n ** 18n;
const BPS = 10_000n;
const YEAR = 365n * 24n * 60n * 60n;

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export interface ModelTranche {
  coupon: bigint;
  amortization: bigint;
  supply: bigint;
  principal: bigint;
  repaid: bigint;
  writtenDown: bigint;
  arrears: bigint;
  acc: bigint;
  balances: Map<string, bigint>;
  /** Per holder: what was moved out of `balance * acc` by transfers and payouts taken, scaled by SCALE. */
  correction: Map<string, bigint>;
}

export class WaterfallModel {
  tranches: ModelTranche[];
  reserve = 0n;
  pending = 0n;
  periodRevenue = 0n;
  feeArrears = 0n;
  feesOwed = 0n;
  breached = false;

  constructor(
    specs: { coupon: bigint; amortization: bigint }[],
    readonly periodLength: bigint,
    readonly periodCount: bigint,
    readonly fee: bigint,
    readonly reserveBps: bigint,
    readonly minCoverageBps: bigint,
  ) {
    this.tranches = specs.map((s) => ({
      ...s,
      supply: 0n,
      principal: 0n,
      repaid: 0n,
      writtenDown: 0n,
      arrears: 0n,
      acc: 0n,
      balances: new Map(),
      correction: new Map(),
    }));
  }

  /** Notes arriving at `who` bring none of what accrued before; notes leaving take none of it away. */
  private correct(t: ModelTranche, who: string, delta: bigint) {
    t.correction.set(who, (t.correction.get(who) ?? 0n) + delta);
  }

  subscribe(id: number, who: string, amount: bigint) {
    const t = this.tranches[id];
    this.correct(t, who, -t.acc * amount);
    t.balances.set(who, (t.balances.get(who) ?? 0n) + amount);
    t.supply += amount;
    t.principal += amount;
  }

  transfer(id: number, from: string, to: string, amount: bigint) {
    const t = this.tranches[id];
    this.correct(t, from, t.acc * amount);
    this.correct(t, to, -t.acc * amount);
    t.balances.set(from, t.balances.get(from)! - amount);
    t.balances.set(to, (t.balances.get(to) ?? 0n) + amount);
  }

  revenue(amount: bigint) {
    this.pending += amount;
    this.periodRevenue += amount;
  }

  writeDown(amount: bigint) {
    for (let i = this.tranches.length - 1; i >= 0 && amount > 0n; i--) {
      const cut = min(amount, this.tranches[i].principal);
      this.tranches[i].principal -= cut;
      this.tranches[i].writtenDown += cut;
      amount -= cut;
    }
  }

  /** Claimable of `who` in tranche `id` now. */
  claimable(id: number, who: string): bigint {
    const t = this.tranches[id];
    return ((t.balances.get(who) ?? 0n) * t.acc + (t.correction.get(who) ?? 0n)) / SCALE;
  }

  take(id: number, who: string): bigint {
    const amount = this.claimable(id, who);
    this.correct(this.tranches[id], who, -amount * SCALE);
    return amount;
  }

  distribute(period: bigint) {
    const debt = this.tranches.slice(0, -1);
    const last = period === this.periodCount;
    let cash = this.pending;
    const revenue = this.periodRevenue;
    this.periodRevenue = 0n;

    const feeDue = this.feeArrears + this.fee;
    const interestDue = debt.map((t) => t.arrears + (t.principal * t.coupon * this.periodLength) / (BPS * YEAR));
    const principalDue = debt.map((t) => {
      if (last) return t.principal;
      const scheduled = t.amortization * period;
      return scheduled <= t.repaid ? 0n : min(scheduled - t.repaid, t.principal);
    });
    const service = feeDue + interestDue.reduce((a, b) => a + b, 0n) + principalDue.reduce((a, b) => a + b, 0n);
    const coverage = service === 0n ? 2n ** 256n - 1n : (revenue * BPS) / service;
    const breached = coverage < this.minCoverageBps;

    const feeFromCash = min(cash, feeDue);
    cash -= feeFromCash;
    const feeFromReserve = min(this.reserve, feeDue - feeFromCash);
    this.reserve -= feeFromReserve;
    const feePaid = feeFromCash + feeFromReserve;
    this.feeArrears = feeDue - feePaid;
    this.feesOwed += feePaid;

    const pay = debt.map(() => 0n);
    let reserveDrawn = feeFromReserve;
    debt.forEach((t, i) => {
      const fromCash = min(cash, interestDue[i]);
      cash -= fromCash;
      const fromReserve = min(this.reserve, interestDue[i] - fromCash);
      this.reserve -= fromReserve;
      reserveDrawn += fromReserve;
      t.arrears = interestDue[i] - fromCash - fromReserve;
      pay[i] += fromCash + fromReserve;
    });

    const debtPrincipal = () => debt.reduce((a, t) => a + t.principal, 0n);
    const target = last ? 0n : (debtPrincipal() * this.reserveBps) / BPS;
    if (this.reserve < target) {
      const topUp = min(cash, target - this.reserve);
      cash -= topUp;
      this.reserve += topUp;
    } else {
      cash += this.reserve - target;
      this.reserve = target;
    }

    debt.forEach((t, i) => {
      const p = min(cash, principalDue[i]);
      cash -= p;
      t.principal -= p;
      t.repaid += p;
      pay[i] += p;
    });
    let swept = 0n;
    if (breached) {
      debt.forEach((t, i) => {
        const p = min(cash, t.principal);
        cash -= p;
        t.principal -= p;
        t.repaid += p;
        pay[i] += p;
        swept += p;
      });
    }
    if (debtPrincipal() === 0n && debt.every((t) => t.arrears === 0n)) {
      cash += this.reserve;
      this.reserve = 0n;
    }
    // Written-off debt principal is made good, senior first, before equity.
    debt.forEach((t, i) => {
      const p = min(cash, t.writtenDown);
      cash -= p;
      t.writtenDown -= p;
      t.repaid += p;
      pay[i] += p;
    });
    const equityResidual = cash;

    const allot = (t: ModelTranche, amount: bigint) => {
      if (amount === 0n) return 0n;
      const perNote = (amount * SCALE) / t.supply;
      t.acc += perNote;
      return amount - ceilDiv(perNote * t.supply, SCALE);
    };
    debt.forEach((t, i) => (cash += allot(t, pay[i])));
    this.pending = allot(this.tranches[this.tranches.length - 1], cash);
    this.breached = breached;
    return { feePaid, pay, reserveDrawn, swept, equityResidual, coverage, breached, matured: last };
  }
}
