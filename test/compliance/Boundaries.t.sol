// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {Edges} from "../utils/Edges.sol";

/// @notice The clock edges of the investor registry at t - 1, t and t + 1, each second from the same state. Alice is
/// listed until `expiry`, a day from now, and not frozen.
///
///   rule (contract's own)                                  t          t - 1      t          t + 1
///   listInvestor: the expiry must be after now             expiry     ok         revert     revert
///   isVerified: a listing verifies until its expiry        expiry     verified   lapsed     lapsed
///   delistInvestor: a lapsed listing is still listed       expiry     ok         ok         ok
///   listInvestor: renewing until the same expiry           expiry     ok         revert     revert
contract InvestorRegistryBoundariesTest is Edges {
    address private constant ALICE = address(0xA11CE);
    address private constant BOB = address(0xB0B);

    InvestorRegistry private registry;
    uint64 private expiry;

    function setUp() public {
        vm.warp(1_700_000_000);
        registry = new InvestorRegistry(address(this));
        expiry = uint64(block.timestamp + 1 days);
        registry.listInvestor(ALICE, expiry, 840);
    }

    function _listBob() private {
        registry.listInvestor(BOB, expiry, 276);
    }

    function _delistAlice() private {
        registry.delistInvestor(ALICE);
        assertEq(registry.investor(ALICE).expiry, 0, "delisted");
    }

    /// Renews Alice until the same expiry: possible only while it is still ahead.
    function _renewAlice() private {
        registry.listInvestor(ALICE, expiry, 840);
    }

    function _notInFuture(address account, uint256 t) private view returns (bytes memory) {
        return abi.encodeWithSelector(IInvestorRegistry.InvestorRegistryExpiryNotInFuture.selector, account, expiry, t);
    }

    function test_listInvestor_expiryMustBeAfterNow() public {
        uint64 t = expiry;
        _at(t - 1, _listBob, _ok());
        _at(t, _listBob, _notInFuture(BOB, t));
        _at(t + 1, _listBob, _notInFuture(BOB, t + 1));
    }

    function test_isVerified_untilTheExpiryExclusive() public {
        uint256 snapshot = vm.snapshotState();
        vm.warp(expiry - 1);
        assertTrue(registry.isVerified(ALICE), "t - 1");
        vm.warp(expiry);
        assertFalse(registry.isVerified(ALICE), "t");
        vm.warp(expiry + 1);
        assertFalse(registry.isVerified(ALICE), "t + 1");
        vm.revertToState(snapshot);
        assertEq(registry.investor(ALICE).expiry, expiry, "still listed");
    }

    function test_delistInvestor_lapsedListingIsStillListed() public {
        uint64 t = expiry;
        _at(t - 1, _delistAlice, _ok());
        _at(t, _delistAlice, _ok());
        _at(t + 1, _delistAlice, _ok());
    }

    function test_listInvestor_renewalOnlyWhileTheExpiryIsAhead() public {
        uint64 t = expiry;
        _at(t - 1, _renewAlice, _ok());
        _at(t, _renewAlice, _notInFuture(ALICE, t));
        _at(t + 1, _renewAlice, _notInFuture(ALICE, t + 1));
    }
}
