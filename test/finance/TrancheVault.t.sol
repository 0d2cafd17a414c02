// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {VaultSetup} from "../utils/VaultSetup.sol";

/// @notice Distribution cost does not depend on the number of holders.
contract TrancheVaultGasTest is Test, VaultSetup {
    TestStablecoin private coin;
    InvestorRegistry private registry;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
    }

    function test_distribute_costsTheSameForTenAndOneThousandHolders() public {
        uint256 few = _distributeGas(10, 0x10000);
        uint256 many = _distributeGas(1000, 0x20000);
        assertEq(many, few, "distribution gas with 1,000 vs 10 holders");
    }

    function _distributeGas(uint256 holderCount, uint256 base) private returns (uint256 gasUsed) {
        // The same 1,000,000 tUSD tranches either way, split equally among the holders.
        uint256 size = 1_000_000e6;
        uint256 each = size / holderCount;
        TrancheVault vault = _deployVault(address(coin), registry, address(this), _tranches(size, size, size), 12);
        address[] memory accounts = new address[](holderCount);
        for (uint256 i; i < holderCount; ++i) accounts[i] = address(uint160(base + i));
        registry.listInvestors(accounts, uint64(block.timestamp + 3650 days), 1);
        coin.mint(address(this), 3 * each * holderCount);
        for (uint256 i; i < holderCount; ++i) {
            vm.startPrank(accounts[i]);
            for (uint256 id; id < 3; ++id) {
                // Holders subscribe through this contract's coin: fund and approve per holder.
                vm.stopPrank();
                coin.transfer(accounts[i], each);
                vm.startPrank(accounts[i]);
                coin.approve(address(vault), each);
                vault.subscribe(id, each);
            }
            vm.stopPrank();
        }
        vault.closeFunding();
        vault.drawdown();
        coin.mint(address(this), 100_000e6);
        coin.approve(address(vault), 100_000e6);
        vault.receiveRevenue(IRevenueIntake.RevenueSource.Compute, 100_000e6);
        vm.warp(vault.periodEnd(1));
        uint256 before = gasleft();
        vault.distribute(1);
        gasUsed = before - gasleft();
        vm.warp(1_700_000_000);
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
