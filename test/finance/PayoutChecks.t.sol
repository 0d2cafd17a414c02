// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
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
}
