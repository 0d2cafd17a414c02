// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {PlainToken} from "../../contracts/mocks/PlainToken.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";
import {VaultSetup} from "../utils/VaultSetup.sol";

/// @notice The vault's reports add up over every tranche and every call, each figure a literal worked from the setup
/// (600 / 300 / 100 USD tranches, daily periods, three of them): a sum that kept only its last term, or subtracted
/// where it adds, fails here.
contract TrancheVaultBookkeepingTest is Test, VaultSetup {
    address private constant ALICE = address(0xA11CE);
    address private constant BOB = address(0xB0B0);

    TestStablecoin private coin;
    InvestorRegistry private registry;
    TrancheVault private vault;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
        registry.listInvestor(ALICE, uint64(block.timestamp + 3650 days), 1);
        registry.listInvestor(BOB, uint64(block.timestamp + 3650 days), 1);
        coin.mint(ALICE, 1_000e6);
        coin.mint(BOB, 1_000e6);
        _redeploy(_tranches(600e6, 300e6, 100e6), 3);
    }

    /// @dev A fresh vault over `tranches`, which both holders have approved.
    function _redeploy(ITrancheVault.TrancheParams[] memory tranches, uint32 periodCount) private {
        vault = _deployVault(address(coin), registry, address(this), tranches, periodCount);
        vm.prank(ALICE);
        coin.approve(address(vault), type(uint256).max);
        vm.prank(BOB);
        coin.approve(address(vault), type(uint256).max);
    }

    function _subscribe(address holder, uint256 trancheId, uint256 amount) private {
        vm.prank(holder);
        vault.subscribe(trancheId, amount);
    }

    function test_closeFunding_reportsTheWholeRaise() public {
        _subscribe(ALICE, 0, 600e6);
        _subscribe(BOB, 1, 300e6);
        _subscribe(ALICE, 2, 100e6);
        vm.expectEmit();
        emit ITrancheVault.FundingClosed(block.timestamp, 1_000e6);
        vault.closeFunding();
    }

    function test_closeFunding_aFailedRaiseReportsWhatItRaised() public {
        _subscribe(ALICE, 0, 600e6);
        _subscribe(BOB, 2, 40e6);
        vm.warp(block.timestamp + 365 days);
        vm.expectEmit();
        emit ITrancheVault.FundingFailed(640e6);
        vault.closeFunding();
    }

    /// @dev Pays `amount` of revenue in from this contract.
    function _revenue(uint256 amount) private {
        coin.mint(address(this), amount);
        coin.approve(address(vault), amount);
        vault.receiveRevenue(IRevenueIntake.RevenueSource.Energy, amount);
    }

    /// @dev What `holder` received from `trancheId`'s refund.
    function _refund(address holder, uint256 trancheId) private returns (uint256 received) {
        uint256 before = coin.balanceOf(holder);
        vm.prank(holder);
        vault.refund(trancheId, holder);
        received = coin.balanceOf(holder) - before;
    }

    function test_refund_addsEveryRefundAndEveryPayoutToTheTotals() public {
        _subscribe(ALICE, 0, 600e6);
        _subscribe(ALICE, 1, 300e6);
        _subscribe(ALICE, 2, 60e6);
        _subscribe(BOB, 2, 40e6);
        vault.closeFunding();
        _revenue(10e6);
        vm.warp(vault.drawDeadline());
        vault.unwind();

        // The 10 USD of revenue is the equity tranche's: 0.1 USD per note on top of face value.
        assertEq(_refund(ALICE, 2), 66e6, "alice: 60 + 6 USD");
        assertEq(_refund(BOB, 2), 44e6, "bob: 40 + 4 USD");
        assertEq(_refund(ALICE, 0), 600e6, "alice: senior at face value");
        ITrancheVault.Totals memory t = vault.totals();
        assertEq(t.refunded, 700e6, "face value: 60 + 40 + 600 USD");
        assertEq(t.claimed, 10e6, "payouts: 6 + 4 USD");
        assertEq(coin.balanceOf(address(vault)), 300e6, "the mezzanine's 300 USD is left");
    }

    function _report(
        uint256 revenue,
        uint256 toppedUp,
        uint256 released,
        uint256 equity,
        uint256 coverageBps
    ) private pure returns (ITrancheVault.PeriodReport memory) {
        return
            ITrancheVault.PeriodReport({
                revenue: revenue,
                cashAvailable: revenue,
                feeDue: 1e6,
                feePaid: 1e6,
                reserveDrawn: 0,
                reserveToppedUp: toppedUp,
                reserveReleased: released,
                swept: 0,
                equityResidual: equity,
                coverageBps: coverageBps,
                covenantBreached: false
            });
    }

    /// A senior tranche of 600 USD that amortizes 300 USD a period: the reserve (5% of the debt) is topped up to 30
    /// USD, released down to 15 USD as half the debt is repaid, and released whole once all of it is, in the same
    /// period, with the rest going to equity. Fee 1 USD; interest 8% a year over one day.
    function test_distribute_releasesTheWholeReserveWhenTheDebtIsRepaidEarly() public {
        ITrancheVault.TrancheParams[] memory t = new ITrancheVault.TrancheParams[](2);
        t[0] = ITrancheVault.TrancheParams("Senior", "SR", 600e6, 1, 800, 300e6);
        t[1] = ITrancheVault.TrancheParams("Equity", "EQ", 400e6, 1, 0, 0);
        _redeploy(t, 3);
        _subscribe(ALICE, 0, 600e6);
        _subscribe(BOB, 1, 400e6);
        vault.closeFunding();
        vault.drawdown();

        // Period 1: interest on 600 USD is 0.131506 USD, coverage 400 / 301.131506 = 132.83%; the reserve takes 30
        // USD; equity gets 400 - 1 - 0.131506 - 30 - 300 = 68.868494 USD.
        _revenue(400e6);
        vm.warp(vault.periodEnd(1));
        vm.expectEmit();
        emit ITrancheVault.WaterfallDistributed(1, _report(400e6, 30e6, 0, 68_868_494, 13_283));
        vault.distribute(1);
        assertEq(vault.reserve(), 30e6, "reserve at 5% of 600 USD");

        // Period 2: interest on 300 USD is 0.065753 USD, coverage 400 / 301.065753 = 132.86%; 15 USD released to the
        // new target, then the last 15 once the debt is repaid: equity gets 400 - 1 - 0.065753 + 15 - 300 + 15 =
        // 128.934247 USD.
        _revenue(400e6);
        vm.warp(vault.periodEnd(2));
        vm.expectEmit();
        emit ITrancheVault.WaterfallDistributed(2, _report(400e6, 0, 30e6, 128_934_247, 13_286));
        vault.distribute(2);
        assertEq(vault.reserve(), 0, "nothing left in reserve");
        assertEq(vault.tranche(0).principal, 0, "senior repaid");
        assertEq(uint8(vault.state()), uint8(ITrancheVault.VaultState.Active), "one period still to run");

        // Period 3, the last: only the fee is due, so coverage is 100 / 1 USD; equity owes no principal.
        (ITrancheVault.PeriodReport memory last, ITrancheVault.TrancheReport[] memory reports) = _runPeriod(3, 100e6);
        assertEq(last.coverageBps, 1_000_000, "coverage");
        assertFalse(last.covenantBreached, "covenant kept");
        assertEq(reports[1].principalDue, 0, "equity has no principal due");
        assertEq(reports[1].allotted, 99e6, "equity: 100 - 1 USD");
    }

    function test_payFees_addsEveryPaymentToTheTotals() public {
        _subscribe(ALICE, 0, 600e6);
        _subscribe(ALICE, 1, 300e6);
        _subscribe(BOB, 2, 100e6);
        vault.closeFunding();
        vault.drawdown();
        for (uint256 period = 1; period <= 2; ++period) {
            _runPeriod(period, 100e6);
            vault.payFees();
        }
        assertEq(vault.totals().feesPaid, 2e6, "two periods at 1 USD");
        assertEq(coin.balanceOf(address(0xFEE)), 2e6, "the fee recipient received both");
    }

    /// With an 18-decimal stablecoin a tranche of 600 tokens has more notes than the accumulator's 1e18 scale, so an
    /// allotment leaves dust: it goes to equity, not lost. Period 1 of 100 tokens of revenue: the senior tranche is due
    /// 0.131506849315068493 of interest and 15 of principal, and its 600e18 notes take all but 493 units; the
    /// mezzanine is due 0.098630136986301369 and leaves 69. Equity: 100 - 1e-12 (fee) - both interests - 45 (reserve
    /// at 5% of 900) - 15 = 39.769863013697630138, plus the 562 units of dust.
    function test_distribute_givesTheDebtTranchesRoundingDustToEquity() public {
        PlainToken token = new PlainToken();
        vault = _deployVault(address(token), registry, address(this), _tranches(600e18, 300e18, 100e18), 3);
        token.mint(ALICE, 900e18);
        token.mint(BOB, 100e18);
        for (uint256 i; i < 2; ++i) {
            vm.prank(i == 0 ? ALICE : BOB);
            token.approve(address(vault), type(uint256).max);
        }
        _subscribe(ALICE, 0, 600e18);
        _subscribe(ALICE, 1, 300e18);
        _subscribe(BOB, 2, 100e18);
        vault.closeFunding();
        vault.drawdown();
        token.mint(address(this), 100e18);
        token.approve(address(vault), 100e18);
        vault.receiveRevenue(IRevenueIntake.RevenueSource.Energy, 100e18);
        vm.warp(vault.periodEnd(1));
        vault.distribute(1);

        assertEq(vault.claimableOf(0, ALICE), 15_131_506_849_315_068_000, "senior: 15.131506849315068493 less 493");
        assertEq(vault.claimableOf(1, ALICE), 98_630_136_986_301_300, "mezzanine: 0.098630136986301369 less 69");
        assertEq(vault.claimableOf(2, BOB), 39_769_863_013_697_630_700, "equity: its residual plus 493 + 69");
        assertEq(vault.pendingRevenue(), 0, "no dust of its own (a multiple of 100 units)");
    }

    /// A period with no revenue: the reserve (45 USD after period 1, 5% of 900) pays the fee and both coupons, and
    /// the report counts every draw: 1 USD of fee, 0.128219 USD on the senior's 585 USD at 8%, 0.098630 USD on the
    /// mezzanine's 300 USD at 12%.
    function test_distribute_reportsEveryDrawOnTheReserve() public {
        _subscribe(ALICE, 0, 600e6);
        _subscribe(ALICE, 1, 300e6);
        _subscribe(BOB, 2, 100e6);
        vault.closeFunding();
        vault.drawdown();
        _runPeriod(1, 100e6);
        assertEq(vault.reserve(), 45e6, "reserve at 5% of 900 USD");

        vm.warp(vault.periodEnd(2));
        ITrancheVault.PeriodReport memory r;
        r.feeDue = 1e6;
        r.feePaid = 1e6;
        r.reserveDrawn = 1_226_849;
        r.covenantBreached = true;
        vm.expectEmit();
        emit ITrancheVault.WaterfallDistributed(2, r);
        vault.distribute(2);
        assertEq(vault.reserve(), 45e6 - 1_226_849, "drawn, not topped up");
    }

    /// @dev Pays `revenue` in, then distributes `period` at its end; returns the reports (see `_distribute`).
    function _runPeriod(
        uint256 period,
        uint256 revenue
    ) private returns (ITrancheVault.PeriodReport memory, ITrancheVault.TrancheReport[] memory) {
        _revenue(revenue);
        vm.warp(vault.periodEnd(period));
        return _distribute(period);
    }

    /// @dev Distributes `period` and returns the reports its events carry: the period's and each tranche's.
    function _distribute(
        uint256 period
    ) private returns (ITrancheVault.PeriodReport memory report, ITrancheVault.TrancheReport[] memory tranches) {
        tranches = new ITrancheVault.TrancheReport[](vault.trancheCount());
        vm.recordLogs();
        vault.distribute(period);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(vault)) continue;
            if (logs[i].topics[0] == ITrancheVault.WaterfallDistributed.selector) {
                report = abi.decode(logs[i].data, (ITrancheVault.PeriodReport));
            } else if (logs[i].topics[0] == ITrancheVault.TrancheServiced.selector) {
                (tranches[uint256(logs[i].topics[2])], ) = abi.decode(
                    logs[i].data,
                    (ITrancheVault.TrancheReport, uint256)
                );
            }
        }
    }

    function _fundAndDraw() private {
        _subscribe(ALICE, 0, 600e6);
        _subscribe(ALICE, 1, 300e6);
        _subscribe(BOB, 2, 100e6);
        vault.closeFunding();
        vault.drawdown();
    }

    /// Period 2 with 18 USD of revenue against 16.226849 USD of debt service (fee 1, coupons 0.128219 and 0.098630,
    /// senior principal 15): coverage 110.92%, below the 120% covenant. The reserve releases 0.75 USD down to 5% of
    /// the 885 USD of debt, and after the scheduled 15 USD the 2.523151 USD left is swept into senior principal.
    function test_distribute_reportsTheSweepOnTopOfTheScheduledPrincipal() public {
        _fundAndDraw();
        _runPeriod(1, 100e6);
        (ITrancheVault.PeriodReport memory r, ITrancheVault.TrancheReport[] memory t) = _runPeriod(2, 18e6);
        assertEq(r.coverageBps, 11_092, "coverage");
        assertTrue(r.covenantBreached, "breached");
        assertEq(r.reserveReleased, 750_000, "45 - 44.25 USD");
        assertEq(r.swept, 2_523_151, "swept");
        assertEq(t[0].principalDue, 15e6, "senior: scheduled");
        assertEq(t[0].principalPaid, 17_523_151, "senior: scheduled + swept");
        assertEq(t[2].allotted, 0, "nothing for equity");
    }

    /// A 10 USD senior and 300 USD mezzanine, both bullets; after period 1 equity and 290 USD of the mezzanine are
    /// written off, so the reserve target falls from 15.5 USD (5% of 310) to 1 USD (5% of 20). Period 2's revenue
    /// only just covers the fee and coupons (coverage 100%), and the 14.5 USD the reserve releases is swept: the whole
    /// senior, then 4.5 USD of the mezzanine.
    function test_distribute_reportsASweepAcrossTranches() public {
        ITrancheVault.TrancheParams[] memory tranches = _tranches(10e6, 300e6, 100e6);
        tranches[0].amortizationPerPeriod = 0;
        _redeploy(tranches, 3);
        _subscribe(ALICE, 0, 10e6);
        _subscribe(ALICE, 1, 300e6);
        _subscribe(BOB, 2, 100e6);
        vault.closeFunding();
        vault.drawdown();
        _runPeriod(1, 50e6);
        assertEq(vault.reserve(), 15.5e6, "5% of 310 USD");
        vault.writeDown(390e6);

        // Coupons on 10 USD: 0.002191 (8%) and 0.003287 (12%).
        (ITrancheVault.PeriodReport memory r, ITrancheVault.TrancheReport[] memory t) = _runPeriod(2, 1_005_478);
        assertEq(r.coverageBps, 10_000, "revenue = debt service");
        assertEq(r.reserveReleased, 14.5e6, "15.5 - 1 USD");
        assertEq(r.swept, 14.5e6, "10 + 4.5 USD");
        assertEq(t[0].principalPaid, 10e6, "senior swept whole");
        assertEq(t[1].principalPaid, 4.5e6, "mezzanine swept in part");
        assertEq(vault.tranche(1).principal, 5.5e6, "mezzanine outstanding");
    }

    /// Equity and 100 USD of the mezzanine are written off after period 1. Period 2 recovers 39.556028 USD of it.
    /// The last period repays the mezzanine's 200 USD and recovers the 60.443972 USD still written off, both in its
    /// report. Period 3: coupons 0.124931 (570 USD at 8%) and 0.065753 (200 USD at 12%), the 39.25 USD reserve
    /// released at maturity.
    function test_distribute_reportsRecoveredPrincipalOnTopOfTheRepayment() public {
        _fundAndDraw();
        _runPeriod(1, 100e6);
        vault.writeDown(200e6);

        // Period 2: 50 - 1 - 0.128219 - 0.065753 + 5.75 (reserve down to 5% of 785) - 15 (senior) = 39.556028.
        (, ITrancheVault.TrancheReport[] memory t) = _runPeriod(2, 50e6);
        assertEq(t[1].principalPaid, 39_556_028, "period 2: recovered");
        assertEq(vault.tranche(1).writtenDown, 60_443_972, "still written off");

        _revenue(1_000e6);
        vm.warp(vault.periodEnd(3));
        ITrancheVault.PeriodReport memory r;
        (r, t) = _distribute(3);
        assertEq(t[0].principalPaid, 570e6, "senior repaid");
        assertEq(t[1].principalDue, 200e6, "mezzanine due at maturity");
        assertEq(t[1].principalPaid, 260_443_972, "mezzanine: 200 repaid + 60.443972 recovered");
        // 1,000 - 1 - 0.124931 - 0.065753 + 39.25 - 570 - 200 - 60.443972.
        assertEq(r.equityResidual, 207_615_344, "equity");
        assertEq(t[2].allotted, 207_615_344, "equity's own report");
        assertEq(vault.tranche(1).writtenDown, 0, "nothing written off");
    }

    /// @dev Distributes `period` on 100 USD of revenue, then writes off `amount`, all of it from `trancheId`.
    function _distributeThenWriteDown(
        uint256 period,
        uint256 trancheId,
        uint256 amount,
        uint256 principalAfter
    ) private {
        _runPeriod(period, 100e6);
        vm.expectEmit();
        emit ITrancheVault.PrincipalWrittenDown(trancheId, amount, principalAfter);
        vault.writeDown(amount);
    }

    /// Equity's 100 USD is written off after period 1, then 50 USD of the mezzanine after period 2: the second cut
    /// is debt although no tranche below it has principal left, so the last period recovers it before equity.
    function test_writeDown_aDebtCutAfterEquityIsGoneIsRecovered() public {
        _fundAndDraw();
        _distributeThenWriteDown(1, 2, 100e6, 0);
        _distributeThenWriteDown(2, 1, 50e6, 250e6);

        (, ITrancheVault.TrancheReport[] memory t) = _runPeriod(3, 1_000e6);
        assertEq(t[1].principalPaid, 300e6, "mezzanine: 250 USD repaid + 50 recovered");
        assertEq(vault.tranche(1).writtenDown, 0, "nothing written off");
    }

    /// Period 1's debt service is 16.230136 USD (fee 1, coupons 0.131506 and 0.098630, senior principal 15), so the
    /// 120% covenant needs 19.4761632 USD: 19.476164 USD keeps it at exactly 12,000 bps, one unit less breaches it.
    function test_distribute_theCovenantHoldsAtExactlyTheMinimumCoverage() public {
        _fundAndDraw();
        vm.warp(vault.periodEnd(1));
        uint256 snapshot = vm.snapshotState();

        _revenue(19_476_164);
        (ITrancheVault.PeriodReport memory r, ) = _distribute(1);
        assertEq(r.coverageBps, 12_000, "at the minimum");
        assertFalse(r.covenantBreached, "kept at the minimum");
        assertFalse(vault.covenantBreached(), "kept");

        vm.revertToState(snapshot);
        _revenue(19_476_163);
        (r, ) = _distribute(1);
        assertEq(r.coverageBps, 11_999, "one basis point short");
        assertTrue(r.covenantBreached, "breached below the minimum");
        assertTrue(vault.covenantBreached(), "breached");
    }

    /// Four periods. The reserve, 45 USD after period 1, pays period 2's fee and coupons (1.226849 USD) for want of
    /// revenue; period 3 tops it up to its new target, 5% of the 885 USD of debt: 44.25 USD, a top-up of 0.476849.
    function test_distribute_topsTheReserveUpToItsTargetExactly() public {
        _redeploy(_tranches(600e6, 300e6, 100e6), 4);
        _fundAndDraw();
        _runPeriod(1, 100e6);
        vm.warp(vault.periodEnd(2));
        vault.distribute(2);
        assertEq(vault.reserve(), 43_773_151, "45 - 1.226849 USD");

        (ITrancheVault.PeriodReport memory r, ) = _runPeriod(3, 100e6);
        assertEq(r.reserveToppedUp, 476_849, "topped up");
        assertEq(vault.reserve(), 44_250_000, "5% of 885 USD");
    }

    /// The last period's revenue only just covers its debt service (fee 1, coupons 0.124931 and 0.098630, all 870 USD
    /// of principal), so the covenant is breached while the reserve releases its 44.25 USD at maturity. The sweep has
    /// no debt left to take it: it is equity's, and equity's principal is never swept.
    function test_distribute_neverSweepsIntoEquity() public {
        _fundAndDraw();
        for (uint256 period = 1; period <= 2; ++period) {
            _runPeriod(period, 100e6);
        }
        (ITrancheVault.PeriodReport memory r, ITrancheVault.TrancheReport[] memory t) = _runPeriod(3, 871_223_561);
        assertTrue(r.covenantBreached, "coverage 100%");
        assertEq(r.reserveReleased, 44_250_000, "the whole reserve at maturity");
        assertEq(r.swept, 0, "no debt to sweep into");
        assertEq(r.equityResidual, 44_250_000, "equity gets the reserve");
        assertEq(t[2].principalPaid, 0, "equity principal is not repaid by a sweep");
        assertEq(vault.tranche(2).principal, 100e6, "equity principal untouched");
    }

    /// A breach lasts until a period's coverage is back at the minimum: two periods in a row without revenue keep it.
    function test_distribute_aBreachLastsUntilCured() public {
        _fundAndDraw();
        _runPeriod(1, 100e6);
        assertFalse(vault.covenantBreached(), "period 1 covered");
        vm.warp(vault.periodEnd(2));
        vault.distribute(2);
        assertTrue(vault.covenantBreached(), "period 2 without revenue");
        vm.warp(vault.periodEnd(3));
        vault.distribute(3);
        assertTrue(vault.covenantBreached(), "period 3 without revenue: still breached");
    }
}
