// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";

contract TestStablecoinTest is Test {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    TestStablecoin private token;
    address private owner = address(0xA11CE);
    uint256 private holderKey = 0xB0B;
    address private holder;

    function setUp() public {
        token = new TestStablecoin(owner);
        holder = vm.addr(holderKey);
    }

    function test_decimals_isSix() public view {
        assertEq(token.decimals(), 6, "decimals");
    }

    function test_mint_byOwnerCreatesBalance() public {
        vm.prank(owner);
        token.mint(holder, 5e6);
        assertEq(token.balanceOf(holder), 5e6, "balance");
        assertEq(token.totalSupply(), 5e6, "supply");
    }

    function test_mint_revertsForNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, holder));
        vm.prank(holder);
        token.mint(holder, 1);
    }

    function test_permit_setsAllowanceFromSignature() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(holderKey, owner, 7e6, 0, deadline);
        token.permit(holder, owner, 7e6, deadline, v, r, s);
        assertEq(token.allowance(holder, owner), 7e6, "allowance");
        assertEq(token.nonces(holder), 1, "nonce");
    }

    function test_permit_revertsWhenReplayed() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(holderKey, owner, 7e6, 0, deadline);
        token.permit(holder, owner, 7e6, deadline, v, r, s);
        // The nonce moved on, so the same signature now recovers an unrelated signer.
        vm.expectPartialRevert(ERC20Permit.ERC2612InvalidSigner.selector);
        token.permit(holder, owner, 7e6, deadline, v, r, s);
    }

    function test_permit_revertsAfterDeadline() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(holderKey, owner, 7e6, 0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(holder, owner, 7e6, deadline, v, r, s);
    }

    function testFuzz_transfer_conservesSupply(uint256 minted, uint256 sent, address to) public {
        minted = bound(minted, 0, type(uint128).max);
        sent = bound(sent, 0, minted);
        vm.assume(to != address(0) && to != holder);
        vm.prank(owner);
        token.mint(holder, minted);

        vm.prank(holder);
        token.transfer(to, sent);

        assertEq(token.balanceOf(holder) + token.balanceOf(to), minted, "balances");
        assertEq(token.totalSupply(), minted, "supply");
    }

    function _signPermit(
        uint256 key,
        address spender,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) private view returns (uint8, bytes32, bytes32) {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, vm.addr(key), spender, value, nonce, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(key, digest);
    }
}
