// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only: a 6-decimal token that starts as a plain token and can start (or stop) burning a fee of every
/// transfer mid-life, as an upgradeable stablecoin could, to prove that the markets never credit more than arrived.
contract SwitchableFeeToken is ERC20 {
    /// @notice The fee burned from every transfer, in basis points of the amount.
    uint256 public feeBps;

    constructor() ERC20("Switchable Fee Dollar", "sUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFeeBps(uint256 feeBps_) external {
        feeBps = feeBps_;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = (value * feeBps) / 10_000;
        if (from == address(0) || to == address(0) || fee == 0) return super._update(from, to, value);
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
