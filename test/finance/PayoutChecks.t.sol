// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";
import {VaultSetup} from "../utils/VaultSetup.sol";

/// @notice Who may receive a payout and where a recovery may go: the holder's own wallet needs no listing, a third
/// party does, and a wallet cannot be "recovered" to itself.
contract TrancheVaultPayoutChecksTest is Test, VaultSetup {
    address private constant ALICE = address(0xA11CE);
    address private constant BOB = address(0xB0B0);
    address private constant STRANGER = address(0x5757);

    TestStablecoin private coin;
    InvestorRegistry private registry;
    TrancheVault private vault;

    /// Alice holds all three tranches; BOB is listed for a day only; period 1 has been distributed.
    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
        vault = _deployVault(address(coin), registry, address(this), _tranches(600e6, 300e6, 100e6), 3);
        registry.listInvestor(ALICE, uint64(block.timestamp + 3650 days), 1);
        registry.listInvestor(BOB, uint64(block.timestamp + 1 days), 1);
        registry.linkIdentity(ALICE, "alice");
        coin.mint(ALICE, 1_000e6);
        vm.startPrank(ALICE);
        coin.approve(address(vault), type(uint256).max);
        vault.subscribe(0, 600e6);
        vault.subscribe(1, 300e6);
        vault.subscribe(2, 100e6);
        vm.stopPrank();
        vault.closeFunding();
        vault.drawdown();
        coin.mint(address(this), 100e6);
        coin.approve(address(vault), 100e6);
        vault.receiveRevenue(IRevenueIntake.RevenueSource.Energy, 100e6);
        vm.warp(vault.periodEnd(1));
        vault.distribute(1);
    }

    function test_claim_refusesAnUnlistedReceiver() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultInvestorNotVerified.selector, STRANGER));
        vault.claim(0, STRANGER);
    }

    /// At the second the listing expires: verified until expiry, exclusive.
    function test_claim_refusesAReceiverWhoseListingExpired() public {
        vm.warp(registry.investor(BOB).expiry);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultInvestorNotVerified.selector, BOB));
        vault.claim(0, BOB);
    }

    /// A holder whose own listing has lapsed still takes what was allotted to them (only a freeze stops that).
    function test_claim_paysAHolderWhoseListingExpiredToTheirOwnWallet() public {
        vm.warp(uint256(1_700_000_000) + 3650 days);
        uint256 owed = vault.claimableOf(0, ALICE);
        assertEq(owed, 15_131_505, "period 1: 0.131506 coupon + 15 principal, less the unit rounded down");
        uint256 before = coin.balanceOf(ALICE);
        vm.prank(ALICE);
        vault.claim(0, ALICE);
        assertEq(coin.balanceOf(ALICE) - before, owed, "paid");
    }

    function test_announceRecovery_refusesTheSameWallet() public {
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultInvalidRecovery.selector, ALICE, ALICE));
        vault.announceRecovery(ALICE, ALICE);
    }

    function test_announceRecovery_refusesAnotherInvestorsWallet() public {
        registry.listInvestor(STRANGER, uint64(block.timestamp + 3650 days), 1);
        registry.linkIdentity(STRANGER, "stranger");
        bytes32 alice = registry.identityOf(ALICE);
        bytes32 stranger = registry.identityOf(STRANGER);
        bytes4 e = ITrancheVault.TrancheVaultRecoveryIdentityMismatch.selector;
        vm.expectRevert(abi.encodeWithSelector(e, ALICE, STRANGER, alice, stranger));
        vault.announceRecovery(ALICE, STRANGER);
    }

    /// Two wallets with no identity linked are not the same investor, even though their (empty) identities match.
    function test_announceRecovery_refusesWalletsWithNoIdentity() public {
        registry.listInvestor(STRANGER, uint64(block.timestamp + 3650 days), 1);
        bytes4 e = ITrancheVault.TrancheVaultRecoveryIdentityMismatch.selector;
        vm.expectRevert(abi.encodeWithSelector(e, BOB, STRANGER, bytes32(0), bytes32(0)));
        vault.announceRecovery(BOB, STRANGER);
    }

    /// A recovery reports each tranche where the lost wallet had something to move, and only those: tranche 0 holds
    /// notes with nothing owed (claimed), tranche 1 nothing (claimed, then sold), tranche 2 a payout and no notes
    /// (sold before claiming).
    function test_recoverNotes_reportsEachTrancheWithNotesOrAPayoutToMove() public {
        address cold = address(0xC01D);
        registry.listInvestor(cold, uint64(block.timestamp + 3650 days), 1);
        registry.linkIdentity(cold, "alice");
        registry.listInvestor(STRANGER, uint64(block.timestamp + 3650 days), 1);
        vm.startPrank(ALICE);
        vault.claim(0, ALICE);
        vault.claim(1, ALICE);
        IERC20(vault.tranche(1).note).transfer(STRANGER, 300e6);
        IERC20(vault.tranche(2).note).transfer(STRANGER, 100e6);
        vm.stopPrank();
        uint256 equityOwed = vault.claimableOf(2, ALICE);
        // 100 - 1 (fee) - 0.131506 and 0.098630 (coupons) - 45 (reserve) - 15 (senior principal), kept by the seller.
        assertEq(equityOwed, 38_769_864, "equity's period 1 payout");
        vault.announceRecovery(ALICE, cold);
        vm.warp(block.timestamp + vault.RECOVERY_DELAY());

        vm.recordLogs();
        vault.recoverNotes(ALICE);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256[2][] memory moved = new uint256[2][](3);
        uint256 reports;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(vault) || logs[i].topics[0] != ITrancheVault.NotesRecovered.selector) {
                continue;
            }
            ++reports;
            moved[uint256(logs[i].topics[1])] = abi.decode(logs[i].data, (uint256[2]));
        }
        assertEq(reports, 2, "tranches 0 and 2");
        assertEq(moved[0][0], 600e6, "tranche 0: notes");
        assertEq(moved[0][1], 0, "tranche 0: nothing owed");
        assertEq(moved[2][0], 0, "tranche 2: no notes");
        assertEq(moved[2][1], equityOwed, "tranche 2: the payout");
        assertEq(vault.claimableOf(2, cold), equityOwed, "the payout is the cold wallet's");
    }
}
