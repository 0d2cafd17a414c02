// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestStablecoin} from "../tokens/TestStablecoin.sol";

/// @notice Test-only: the test stablecoin (EIP-3009 included) burning 1% of every transfer, to prove that the compute
/// market's purchases with authorization never credit more than arrived.
contract FeeAuthorizationToken is TestStablecoin {
    constructor(address initialOwner) TestStablecoin(initialOwner) {}

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value / 100;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
