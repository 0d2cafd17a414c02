// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only: a 6-decimal dollar that refuses transfers to blocked accounts, like USDC's blacklist, to show
/// that one blocked payee cannot stop the others being paid.
contract BlocklistToken is ERC20 {
    error BlocklistTokenBlocked(address account);

    mapping(address account => bool) public blocked;

    constructor() ERC20("Blocklist Dollar", "bUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[to]) revert BlocklistTokenBlocked(to);
        super._update(from, to, value);
    }
}
