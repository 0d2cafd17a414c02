// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only: a 6-decimal dollar that refuses transfers to blocked accounts, like USDC's blacklist, and can
/// start (or stop) burning a fee of every transfer mid-life, as an upgradeable stablecoin could. Invariant handlers use
/// it to show that one blocked payee cannot stop the others being paid and that nothing is credited beyond what
/// arrived.
contract BlocklistFeeToken is ERC20 {
    error BlocklistFeeTokenBlocked(address account);

    mapping(address account => bool) public blocked;
    /// @notice The fee burned from every transfer, in basis points of the amount.
    uint256 public feeBps;

    constructor() ERC20("Blocklist Fee Dollar", "bfUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function setFeeBps(uint256 feeBps_) external {
        feeBps = feeBps_;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[to]) revert BlocklistFeeTokenBlocked(to);
        uint256 fee = (value * feeBps) / 10_000;
        if (from == address(0) || to == address(0) || fee == 0) return super._update(from, to, value);
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
