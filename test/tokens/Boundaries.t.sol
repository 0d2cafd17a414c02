// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Edges} from "../utils/Edges.sol";

/// @notice The stablecoin's permit deadline at t - 1, t and t + 1, each second from the same state.
///
///   rule (ERC-2612, as OpenZeppelin implements it)     t          t - 1    t        t + 1
///   permit: valid until its deadline, inclusive        deadline   ok       ok       revert
contract TestStablecoinEdgesTest is Edges {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );
    uint256 private constant HOLDER_KEY = 0xB0B;
    uint256 private constant DEADLINE = 1_750_003_600;
    address private constant SPENDER = address(0xA11CE);

    TestStablecoin private token;
    uint8 private v;
    bytes32 private r;
    bytes32 private s;

    function setUp() public {
        vm.warp(1_750_000_000);
        token = new TestStablecoin(address(this));
        address holder = vm.addr(HOLDER_KEY);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, holder, SPENDER, 7e6, 0, DEADLINE));
        (v, r, s) = vm.sign(HOLDER_KEY, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function _permit() private {
        token.permit(vm.addr(HOLDER_KEY), SPENDER, 7e6, DEADLINE, v, r, s);
    }

    function test_permit_validUntilItsDeadlineInclusive() public {
        _at(DEADLINE - 1, _permit, _ok());
        _at(DEADLINE, _permit, _ok());
        _at(DEADLINE + 1, _permit, abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, DEADLINE));
    }
}
