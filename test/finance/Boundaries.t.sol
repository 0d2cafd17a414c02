// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheNote} from "../../contracts/interfaces/ITrancheNote.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Edges} from "../utils/Edges.sol";
import {Test} from "../utils/Test.sol";
import {VaultSetup} from "../utils/VaultSetup.sol";

/// @notice Every clock edge of the vault and the investor registry at t - 1, t and t + 1, each second from the same
/// state. Three tranches (600 / 300 / 100 USD), daily periods, three of them; the funding deadline is 365 days out.
///
///   rule (contract's own)                                   t                        t - 1    t        t + 1
///   constructor: the funding deadline must be in the future  fundingDeadline          ok       revert   revert
///   subscribe: open until the funding deadline, exclusive    fundingDeadline          ok       revert   revert
///   closeFunding: an unfilled raise fails from the deadline  fundingDeadline          revert   ok       ok
///   drawdown: until the draw deadline, exclusive             startTime + period       ok       revert   revert
///   unwind: from the draw deadline                           startTime + period       revert   ok       ok
///   distribute: a period from its end                        startTime + p × period   revert   ok       ok
///   recoverNotes: from announcement + RECOVERY_DELAY         executableAt             revert   ok       ok
///   investor: verified until expiry, exclusive               expiry                   ok       revert   revert
///   listInvestor: expiry must be in the future               expiry                   ok       revert   revert
contract TrancheVaultEdgesTest is Edges, VaultSetup {
    address private constant ALICE = address(0xA11CE);
    address private constant ALICE_COLD = address(0xC01D);
    address private constant BOB = address(0xB0B0);
    uint64 private constant NOW = 1_700_000_000;
    uint64 private constant BOB_EXPIRY = NOW + 30 days;

    TestStablecoin private coin;
    InvestorRegistry private registry;
    TrancheVault private vault;
    uint64 private fundingDeadline;

    function setUp() public {
        vm.warp(NOW);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
        vault = _deployVault(address(coin), registry, address(this), _tranches(600e6, 300e6, 100e6), 3);
        registry.listInvestor(ALICE, NOW + 3650 days, 1);
        registry.listInvestor(ALICE_COLD, NOW + 3650 days, 1);
        registry.listInvestor(BOB, BOB_EXPIRY, 1);
        registry.linkIdentity(ALICE, "alice");
        registry.linkIdentity(ALICE_COLD, "alice");
        for (uint256 i; i < 2; ++i) {
            address holder = i == 0 ? ALICE : BOB;
            coin.mint(holder, 1_000e6);
            vm.prank(holder);
            coin.approve(address(vault), type(uint256).max);
        }
    }

    function _fund(uint256 equity) private {
        vm.startPrank(ALICE);
        vault.subscribe(0, 600e6);
        vault.subscribe(1, 300e6);
        vault.subscribe(2, equity);
        vm.stopPrank();
    }

    function _deploy() private {
        new TrancheVault(
            ITrancheVault.VaultParams({
                asset: address(coin),
                registry: address(registry),
                admin: address(this),
                projectWallet: address(0xB0B),
                feeRecipient: address(0xFEE),
                fundingDeadline: fundingDeadline,
                periodLength: uint64(PERIOD),
                periodCount: 3,
                servicingFeePerPeriod: 1e6,
                reserveTargetBps: 500,
                minCoverageBps: 12_000
            }),
            _tranches(600e6, 300e6, 100e6)
        );
    }

    function _subscribe() private {
        vm.prank(ALICE);
        vault.subscribe(2, 10e6);
    }

    function _subscribeBob() private {
        vm.prank(BOB);
        vault.subscribe(2, 10e6);
    }

    function _close() private {
        vault.closeFunding();
    }

    function _closeAsFailed() private {
        vault.closeFunding();
        assertTrue(vault.state() == ITrancheVault.VaultState.Failed, "an unfilled raise fails");
    }

    function _drawdown() private {
        vault.drawdown();
    }

    function _unwind() private {
        vault.unwind();
    }

    function _distributeFirst() private {
        vault.distribute(1);
    }

    function _recover() private {
        vault.recoverNotes(ALICE);
    }

    function _listCarol() private {
        registry.listInvestor(address(0xCA), BOB_EXPIRY, 1);
    }

    function test_constructor_fundingDeadlineMustBeInTheFuture() public {
        fundingDeadline = NOW + 1 days;
        bytes4 e = ITrancheVault.TrancheVaultInvalidSchedule.selector;
        _at(fundingDeadline - 1, _deploy, _ok());
        _at(fundingDeadline, _deploy, abi.encodeWithSelector(e, fundingDeadline, PERIOD, 3));
        _at(fundingDeadline + 1, _deploy, abi.encodeWithSelector(e, fundingDeadline, PERIOD, 3));
    }

    function test_subscribe_openUntilTheFundingDeadlineExclusive() public {
        uint256 d = NOW + 365 days;
        bytes memory passed = abi.encodeWithSelector(ITrancheVault.TrancheVaultFundingDeadlinePassed.selector, d);
        _at(d - 1, _subscribe, _ok());
        _at(d, _subscribe, passed);
        _at(d + 1, _subscribe, passed);
    }

    function test_closeFunding_anUnfilledRaiseFailsFromTheDeadline() public {
        _fund(50e6);
        uint256 d = NOW + 365 days;
        _at(d - 1, _close, abi.encodeWithSelector(ITrancheVault.TrancheVaultFundingStillOpen.selector, d));
        _at(d, _closeAsFailed, _ok());
        _at(d + 1, _closeAsFailed, _ok());
    }

    function test_drawdown_untilTheDrawDeadlineExclusive() public {
        _fund(100e6);
        vault.closeFunding();
        uint256 d = NOW + 1 days; // startTime (closed at NOW) + one period
        assertEq(vault.drawDeadline(), d, "draw deadline");
        bytes memory passed = abi.encodeWithSelector(ITrancheVault.TrancheVaultDrawDeadlinePassed.selector, d);
        _at(d - 1, _drawdown, _ok());
        _at(d, _drawdown, passed);
        _at(d + 1, _drawdown, passed);
    }

    function test_unwind_fromTheDrawDeadline() public {
        _fund(100e6);
        vault.closeFunding();
        uint256 d = NOW + 1 days;
        _at(d - 1, _unwind, abi.encodeWithSelector(ITrancheVault.TrancheVaultDrawDeadlineNotReached.selector, d));
        _at(d, _unwind, _ok());
        _at(d + 1, _unwind, _ok());
    }

    function test_distribute_aPeriodFromItsEnd() public {
        _fund(100e6);
        vault.closeFunding();
        vault.drawdown();
        uint256 end = NOW + 1 days; // startTime + 1 × period
        _at(
            end - 1,
            _distributeFirst,
            abi.encodeWithSelector(ITrancheVault.TrancheVaultPeriodNotEnded.selector, 1, end)
        );
        _at(end, _distributeFirst, _ok());
        _at(end + 1, _distributeFirst, _ok());
    }

    function test_recoverNotes_fromAnnouncementPlusTheRecoveryDelay() public {
        _fund(100e6);
        vault.announceRecovery(ALICE, ALICE_COLD);
        uint256 x = NOW + 7 days; // RECOVERY_DELAY
        _at(x - 1, _recover, abi.encodeWithSelector(ITrancheVault.TrancheVaultRecoveryPending.selector, ALICE, x));
        _at(x, _recover, _ok());
        _at(x + 1, _recover, _ok());
    }

    function test_investor_verifiedUntilExpiryExclusive() public {
        bytes memory lapsed = abi.encodeWithSelector(ITrancheVault.TrancheVaultInvestorNotVerified.selector, BOB);
        _at(BOB_EXPIRY - 1, _subscribeBob, _ok());
        _at(BOB_EXPIRY, _subscribeBob, lapsed);
        _at(BOB_EXPIRY + 1, _subscribeBob, lapsed);
        vm.warp(BOB_EXPIRY - 1);
        assertTrue(registry.isVerified(BOB), "verified at expiry - 1");
        vm.warp(BOB_EXPIRY);
        assertFalse(registry.isVerified(BOB), "not verified at expiry");
    }

    function test_listInvestor_expiryMustBeInTheFuture() public {
        bytes4 e = IInvestorRegistry.InvestorRegistryExpiryNotInFuture.selector;
        _at(BOB_EXPIRY - 1, _listCarol, _ok());
        _at(BOB_EXPIRY, _listCarol, abi.encodeWithSelector(e, address(0xCA), BOB_EXPIRY, BOB_EXPIRY));
        _at(BOB_EXPIRY + 1, _listCarol, abi.encodeWithSelector(e, address(0xCA), BOB_EXPIRY, BOB_EXPIRY + 1));
    }
}

/// @notice Every clock-gated call of the vault at t - 1, t and t + 1 of its deadline: the funding deadline, the draw
/// deadline, a period's end, maturity and a recovery's contest window. Acting at the last or first second gives
/// nobody more than acting in good time.
contract TrancheVaultBoundaryTest is Test, VaultSetup {
    address private constant ALICE = address(0xA11CE);
    address private constant ALICE_COLD = address(0xC01D);
    TestStablecoin private coin;
    InvestorRegistry private registry;
    TrancheVault private vault;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
        vault = _deployVault(address(coin), registry, address(this), _tranches(600e6, 300e6, 100e6), 3);
        registry.listInvestor(ALICE, uint64(block.timestamp + 3650 days), 1);
        registry.listInvestor(ALICE_COLD, uint64(block.timestamp + 3650 days), 1);
        registry.linkIdentity(ALICE, "alice");
        registry.linkIdentity(ALICE_COLD, "alice");
        coin.mint(ALICE, 1_000e6);
        vm.prank(ALICE);
        coin.approve(address(vault), type(uint256).max);
    }

    function _fund(uint256 equity) private {
        vm.startPrank(ALICE);
        vault.subscribe(0, 600e6);
        vault.subscribe(1, 300e6);
        vault.subscribe(2, equity);
        vm.stopPrank();
    }

    function test_fundingDeadline_subscribeUntilTMinusOne_failFromT() public {
        uint256 deadline = vault.params().fundingDeadline;
        _fund(50e6);
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultFundingStillOpen.selector, deadline));
        vault.closeFunding();
        vm.prank(ALICE);
        vault.subscribe(2, 10e6);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultFundingDeadlinePassed.selector, deadline));
        vm.prank(ALICE);
        vault.subscribe(2, 10e6);
        vault.closeFunding();
        assertTrue(vault.state() == ITrancheVault.VaultState.Failed, "failed at t");
        vm.warp(deadline + 1);
        vm.prank(ALICE);
        assertEq(vault.refund(2, ALICE), 60e6, "refund at face value");
    }

    function test_drawDeadline_drawUntilTMinusOne() public {
        _fund(100e6);
        vault.closeFunding();
        uint256 deadline = vault.drawDeadline();
        assertEq(deadline, vault.startTime() + PERIOD, "end of period 1");
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultDrawDeadlineNotReached.selector, deadline));
        vm.prank(ALICE);
        vault.unwind();
        vault.drawdown();
        assertEq(coin.balanceOf(address(0xB0B)), 1_000e6, "drawn at t - 1");
        vm.warp(deadline);
        vm.expectRevert(ITrancheVault.TrancheVaultAlreadyDrawn.selector);
        vault.unwind();
    }

    function test_drawDeadline_unwindFromT() public {
        _fund(100e6);
        vault.closeFunding();
        uint256 deadline = vault.drawDeadline();
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultDrawDeadlinePassed.selector, deadline));
        vault.drawdown();
        vm.expectRevert(ITrancheVault.TrancheVaultNotDrawn.selector);
        vault.distribute(1);
        vm.prank(ALICE);
        vault.unwind();
        vm.warp(deadline + 1);
        vm.startPrank(ALICE);
        uint256 back = vault.refund(0, ALICE) + vault.refund(1, ALICE) + vault.refund(2, ALICE);
        vm.stopPrank();
        assertEq(back, 1_000e6, "every unit back");
        assertEq(coin.balanceOf(address(vault)), 0, "nothing left");
    }

    function test_periodEndAndMaturity_distributeFromT_revenueUntilTheLastDistribution() public {
        _fund(100e6);
        vault.closeFunding();
        vault.drawdown();
        coin.mint(address(this), 1_000e6);
        coin.approve(address(vault), type(uint256).max);
        for (uint256 p = 1; p <= 3; ++p) {
            uint256 end = vault.periodEnd(p);
            vm.warp(end - 1);
            vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultPeriodNotEnded.selector, p, end));
            vault.distribute(p);
            vm.warp(end);
            // Revenue at the period's last second still belongs to it.
            vault.receiveRevenue(IRevenueIntake.RevenueSource.Energy, 100e6);
            assertEq(vault.openPeriodRevenue(), 100e6, "booked to the open period");
            vault.distribute(p);
            bool last = p == 3;
            assertTrue((vault.state() == ITrancheVault.VaultState.Matured) == last, "matures at the term only");
        }
        vm.warp(vault.periodEnd(3) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ITrancheVault.TrancheVaultUnexpectedState.selector, ITrancheVault.VaultState.Matured)
        );
        vault.receiveRevenue(IRevenueIntake.RevenueSource.Energy, 1);
    }

    function _announce() private returns (uint256 executableAt) {
        _fund(100e6);
        vault.announceRecovery(ALICE, ALICE_COLD);
        (, executableAt) = vault.pendingRecovery(ALICE);
        assertEq(executableAt, block.timestamp + vault.RECOVERY_DELAY(), "delay");
        vm.warp(executableAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ITrancheVault.TrancheVaultRecoveryPending.selector, ALICE, executableAt)
        );
        vault.recoverNotes(ALICE);
    }

    function test_recoveryWindow_contestAtT() public {
        uint256 executableAt = _announce();
        vm.warp(executableAt);
        // The holder can still contest at t, as long as nobody executed first.
        vm.prank(ALICE);
        vault.cancelRecovery(ALICE);
        vm.warp(executableAt + 1);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultRecoveryNotAnnounced.selector, ALICE));
        vault.recoverNotes(ALICE);
    }

    function test_recoveryWindow_executeFromT() public {
        uint256 executableAt = _announce();
        vm.warp(executableAt);
        vm.prank(address(0xBAD));
        vault.recoverNotes(ALICE);
        assertEq(IERC20(vault.tranche(0).note).balanceOf(ALICE_COLD), 600e6, "moved to the same investor");
    }
}

/// @notice Every value limit of the vault at its edge: the largest value accepted and the first one refused, each
/// from the same state (the tranche count, tranche sizes, the schedule, the basis points, the subscription sizes).
contract TrancheVaultLimitsTest is Test, VaultSetup {
    address private constant ALICE = address(0xA11CE);

    TestStablecoin private coin;
    InvestorRegistry private registry;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
        registry.listInvestor(ALICE, uint64(block.timestamp + 3650 days), 1);
        coin.mint(ALICE, 1_000e6);
    }

    function _params() private view returns (ITrancheVault.VaultParams memory) {
        return
            ITrancheVault.VaultParams({
                asset: address(coin),
                registry: address(registry),
                admin: address(this),
                projectWallet: address(0xB0B),
                feeRecipient: address(0xFEE),
                fundingDeadline: uint64(block.timestamp + 365 days),
                periodLength: uint64(PERIOD),
                periodCount: 3,
                servicingFeePerPeriod: 1e6,
                reserveTargetBps: 500,
                minCoverageBps: 12_000
            });
    }

    /// @dev `count - 1` amortizing debt tranches of 100 and the residual equity tranche.
    function _stack(uint256 count) private pure returns (ITrancheVault.TrancheParams[] memory t) {
        t = new ITrancheVault.TrancheParams[](count);
        for (uint256 i; i < count; ++i) t[i] = ITrancheVault.TrancheParams("Debt", "DT", 100e6, 1, 800, 1e6);
        if (count != 0) t[count - 1] = ITrancheVault.TrancheParams("Equity", "EQ", 100e6, 1, 0, 0);
    }

    /// @dev Deploys and expects success (empty `err`) or exactly `err`.
    function _deploy(
        ITrancheVault.VaultParams memory p,
        ITrancheVault.TrancheParams[] memory t,
        bytes memory err
    ) private returns (TrancheVault vault) {
        if (err.length != 0) vm.expectRevert(err);
        vault = new TrancheVault(p, t);
    }

    function _invalidTranche(uint256 trancheId) private pure returns (bytes memory) {
        return abi.encodeWithSelector(ITrancheVault.TrancheVaultInvalidTranche.selector, trancheId);
    }

    function test_constructor_oneToFiveTranches() public {
        bytes4 e = ITrancheVault.TrancheVaultInvalidTrancheCount.selector;
        _deploy(_params(), _stack(0), abi.encodeWithSelector(e, 0));
        for (uint256 count = 1; count <= 5; ++count) {
            assertEq(_deploy(_params(), _stack(count), "").trancheCount(), count, "tranches");
        }
        _deploy(_params(), _stack(6), abi.encodeWithSelector(e, 6));
    }

    /// Tranche ids run from 0 to count - 1, each reaching the note deployed for it; the count itself is unknown.
    function test_tranche_eachIdReachesItsOwnNoteUpToTheCount() public {
        for (uint256 count = 1; count <= 5; ++count) {
            TrancheVault vault = _deploy(_params(), _stack(count), "");
            for (uint256 id; id < count; ++id) {
                assertEq(ITrancheNote(vault.tranche(id).note).trancheId(), id, "the tranche's own note");
            }
            vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultUnknownTranche.selector, count));
            vault.tranche(count);
        }
    }

    function test_constructor_trancheTargetFromOneToUint96Max() public {
        ITrancheVault.TrancheParams[] memory t = _stack(2);
        t[0].targetSize = 0;
        _deploy(_params(), t, _invalidTranche(0));
        t[0].targetSize = 1;
        _deploy(_params(), t, "");
        t[0].targetSize = type(uint96).max;
        assertEq(_deploy(_params(), t, "").tranche(0).targetSize, type(uint96).max, "largest target");
        t[0].targetSize = uint256(type(uint96).max) + 1;
        _deploy(_params(), t, _invalidTranche(0));
    }

    function test_constructor_minimumSubscriptionUpToTheTarget() public {
        ITrancheVault.TrancheParams[] memory t = _stack(2);
        t[0].minSubscription = t[0].targetSize;
        _deploy(_params(), t, "");
        t[0].minSubscription = t[0].targetSize + 1;
        _deploy(_params(), t, _invalidTranche(0));
    }

    function test_constructor_amortizationUpToUint112Max() public {
        ITrancheVault.TrancheParams[] memory t = _stack(2);
        t[0].amortizationPerPeriod = type(uint112).max;
        _deploy(_params(), t, "");
        t[0].amortizationPerPeriod = uint256(type(uint112).max) + 1;
        _deploy(_params(), t, _invalidTranche(0));
    }

    /// The residual tranche is paid what is left: a coupon or an amortization of one unit is refused.
    function test_constructor_theResidualTrancheHasNoCouponAndNoAmortization() public {
        ITrancheVault.TrancheParams[] memory t = _stack(3);
        t[2].couponBps = 1;
        _deploy(_params(), t, _invalidTranche(2));
        t[2].couponBps = 0;
        t[2].amortizationPerPeriod = 1;
        _deploy(_params(), t, _invalidTranche(2));
        t[2].amortizationPerPeriod = 0;
        _deploy(_params(), t, "");
    }

    function test_constructor_atLeastOnePeriodOfOneSecond() public {
        ITrancheVault.VaultParams memory p = _params();
        bytes4 e = ITrancheVault.TrancheVaultInvalidSchedule.selector;
        p.periodLength = 0;
        _deploy(p, _stack(2), abi.encodeWithSelector(e, p.fundingDeadline, 0, 3));
        p.periodLength = 1;
        _deploy(p, _stack(2), "");
        p.periodCount = 0;
        _deploy(p, _stack(2), abi.encodeWithSelector(e, p.fundingDeadline, 1, 0));
        p.periodCount = 1;
        _deploy(p, _stack(2), "");
    }

    function test_constructor_reserveTargetUpTo100Percent() public {
        ITrancheVault.VaultParams memory p = _params();
        p.reserveTargetBps = 10_000;
        _deploy(p, _stack(2), "");
        p.reserveTargetBps = 10_001;
        _deploy(
            p,
            _stack(2),
            abi.encodeWithSelector(ITrancheVault.TrancheVaultReserveTargetTooHigh.selector, 10_001, 10_000)
        );
    }

    function test_constructor_coverageCovenantUpTo400Percent() public {
        ITrancheVault.VaultParams memory p = _params();
        p.minCoverageBps = 40_000;
        _deploy(p, _stack(2), "");
        p.minCoverageBps = 40_001;
        _deploy(
            p,
            _stack(2),
            abi.encodeWithSelector(ITrancheVault.TrancheVaultMinCoverageTooHigh.selector, 40_001, 40_000)
        );
    }

    function test_constructor_refusesEachZeroAddress() public {
        bytes memory e = abi.encodeWithSelector(ITrancheVault.TrancheVaultZeroAddress.selector);
        for (uint256 which; which < 5; ++which) {
            ITrancheVault.VaultParams memory p = _params();
            if (which == 0) p.asset = address(0);
            else if (which == 1) p.registry = address(0);
            else if (which == 2) p.admin = address(0);
            else if (which == 3) p.projectWallet = address(0);
            else p.feeRecipient = address(0);
            _deploy(p, _stack(2), e);
        }
    }

    /// A senior tranche of 600 with a minimum of 100: below the minimum is refused unless it fills the tranche,
    /// and one unit over the target is refused.
    function test_subscribe_fromTheMinimumUpToTheTarget() public {
        ITrancheVault.TrancheParams[] memory t = _tranches(600e6, 300e6, 100e6);
        t[0].minSubscription = 100e6;
        TrancheVault vault = _deploy(_params(), t, "");
        vm.startPrank(ALICE);
        coin.approve(address(vault), type(uint256).max);
        bytes4 small = ITrancheVault.TrancheVaultSubscriptionTooSmall.selector;
        bytes4 over = ITrancheVault.TrancheVaultOverSubscribed.selector;

        vm.expectRevert(abi.encodeWithSelector(small, 0, 100e6, 0));
        vault.subscribe(0, 0);
        vm.expectRevert(abi.encodeWithSelector(small, 0, 100e6, 100e6 - 1));
        vault.subscribe(0, 100e6 - 1);
        vault.subscribe(0, 100e6);
        vault.subscribe(0, 450e6);
        // 50 is left: 50 - 1 is below the minimum and leaves the tranche unfilled; 50 + 1 is over the target.
        vm.expectRevert(abi.encodeWithSelector(small, 0, 100e6, 50e6 - 1));
        vault.subscribe(0, 50e6 - 1);
        vm.expectRevert(abi.encodeWithSelector(over, 0, 600e6, 600e6 + 1));
        vault.subscribe(0, 50e6 + 1);
        vault.subscribe(0, 50e6);
        vm.stopPrank();
        assertEq(vault.tranche(0).raised, 600e6, "filled exactly");
        assertEq(coin.balanceOf(address(vault)), 600e6, "held");
    }
}
