// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {Test} from "../utils/Test.sol";

contract InvestorRegistryTest is Test {
    InvestorRegistry private registry;
    address private alice = address(0xA11CE);
    address private stranger = address(0xBAD);

    function setUp() public {
        vm.warp(1_700_000_000);
        registry = new InvestorRegistry(address(this));
    }

    function test_constructor_revertsForZeroAdmin() public {
        vm.expectRevert(IInvestorRegistry.InvestorRegistryZeroAddress.selector);
        new InvestorRegistry(address(0));
    }

    function test_listInvestor_verifiesUntilExpiry() public {
        registry.listInvestor(alice, uint64(block.timestamp + 100), 840);
        assertTrue(registry.isVerified(alice), "verified");
        assertEq(registry.investor(alice).jurisdiction, 840, "jurisdiction");
        vm.warp(block.timestamp + 100);
        assertFalse(registry.isVerified(alice), "expired");
    }

    function test_listInvestor_revertsForPastExpiry() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IInvestorRegistry.InvestorRegistryExpiryNotInFuture.selector,
                alice,
                uint64(block.timestamp),
                block.timestamp
            )
        );
        registry.listInvestor(alice, uint64(block.timestamp), 840);
    }

    function test_listInvestors_listsEveryAccount() public {
        address[] memory accounts = new address[](2);
        (accounts[0], accounts[1]) = (alice, stranger);
        uint64 expiry = uint64(block.timestamp + 100);
        vm.expectEmit();
        emit IInvestorRegistry.InvestorListed(alice, expiry, 840);
        vm.expectEmit();
        emit IInvestorRegistry.InvestorListed(stranger, expiry, 840);
        registry.listInvestors(accounts, expiry, 840);
        assertTrue(registry.isVerified(alice), "first verified");
        assertTrue(registry.isVerified(stranger), "second verified");
    }

    function test_listInvestors_revertsForZeroAddress() public {
        address[] memory accounts = new address[](2);
        accounts[0] = alice;
        vm.expectRevert(IInvestorRegistry.InvestorRegistryZeroAddress.selector);
        registry.listInvestors(accounts, uint64(block.timestamp + 1), 840);
    }

    function test_setFrozen_blocksVerificationAndSurvivesDelisting() public {
        registry.listInvestor(alice, uint64(block.timestamp + 100), 840);
        registry.setFrozen(alice, true);
        assertFalse(registry.isVerified(alice), "frozen");
        registry.delistInvestor(alice);
        assertTrue(registry.investor(alice).frozen, "still frozen");
        vm.expectRevert(IInvestorRegistry.InvestorRegistryZeroAddress.selector);
        registry.setFrozen(address(0), true);
    }

    function test_linkIdentity_linksUnlinksAndSurvivesDelisting() public {
        registry.listInvestor(alice, uint64(block.timestamp + 100), 840);
        registry.linkIdentity(alice, "investor 7");
        assertEq(registry.identityOf(alice), bytes32("investor 7"), "linked");
        registry.delistInvestor(alice);
        assertEq(registry.identityOf(alice), bytes32("investor 7"), "a delisted wallet keeps its identity");
        registry.linkIdentity(alice, bytes32(0));
        assertEq(registry.identityOf(alice), bytes32(0), "unlinked");
        vm.expectRevert(IInvestorRegistry.InvestorRegistryZeroAddress.selector);
        registry.linkIdentity(address(0), "investor 7");
    }

    function test_delistInvestor_revertsWhenNotListed() public {
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvestorRegistryNotListed.selector, alice));
        registry.delistInvestor(alice);
    }

    function test_agentFunctions_revertForStranger() public {
        bytes32 role = registry.AGENT_ROLE();
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            stranger,
            role
        );
        address[] memory accounts = new address[](1);
        accounts[0] = alice;
        vm.startPrank(stranger);
        vm.expectRevert(err);
        registry.listInvestor(alice, uint64(block.timestamp + 1), 840);
        vm.expectRevert(err);
        registry.listInvestors(accounts, uint64(block.timestamp + 1), 840);
        vm.expectRevert(err);
        registry.delistInvestor(alice);
        vm.expectRevert(err);
        registry.setFrozen(alice, true);
        vm.expectRevert(err);
        registry.linkIdentity(alice, "stranger");
        vm.stopPrank();
        assertEq(registry.identityOf(alice), bytes32(0), "nothing linked");
        assertEq(registry.investor(alice).expiry, 0, "nothing listed");
        assertFalse(registry.investor(alice).frozen, "nothing frozen");
    }
}
