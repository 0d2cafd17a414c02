// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

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

/// @notice Drives the stablecoin with bounded mints and transfers between a fixed set of holders, and keeps ghost
/// totals for the invariants to compare against.
contract TestStablecoinHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    TestStablecoin public immutable token;
    address[3] public holders = [address(0x1001), address(0x1002), address(0x1003)];
    uint256 public ghostMinted;

    constructor(TestStablecoin token_) {
        token = token_;
    }

    function mint(uint256 holderIndex, uint256 amount) external {
        amount = amount % 1e15;
        token.mint(holders[holderIndex % 3], amount);
        ghostMinted += amount;
    }

    function transfer(uint256 fromIndex, uint256 toIndex, uint256 amount) external {
        address from = holders[fromIndex % 3];
        uint256 balance = token.balanceOf(from);
        if (balance == 0) return;
        VM.prank(from);
        token.transfer(holders[toIndex % 3], amount % (balance + 1));
    }
}

contract TestStablecoinInvariantTest is Test {
    TestStablecoin private token;
    TestStablecoinHandler private handler;

    function setUp() public {
        token = new TestStablecoin(address(this));
        handler = new TestStablecoinHandler(token);
        token.transferOwnership(address(handler));
        targetContract(address(handler));
    }

    function invariant_supplyEqualsSumOfHolderBalances() public view {
        uint256 sum;
        for (uint256 i; i < 3; i++) sum += token.balanceOf(handler.holders(i));
        assertEq(token.totalSupply(), sum, "supply vs balances");
    }

    function invariant_supplyEqualsMinted() public view {
        assertEq(token.totalSupply(), handler.ghostMinted(), "supply vs minted");
    }
}
