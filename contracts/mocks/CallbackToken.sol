// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only: a 6-decimal dollar that, like ERC-777 or ERC-1363, calls `onTokenTransfer` on a contract
/// recipient after every transfer, giving a payee a hook to re-enter whoever paid it.
contract CallbackToken is ERC20 {
    constructor() ERC20("Callback Dollar", "cUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == address(0) || to.code.length == 0) return;
        // Contracts without the hook (the vault, the market) simply receive.
        try ITokenTransferHook(to).onTokenTransfer(from, value) {} catch {}
    }
}

/// @notice The hook a {CallbackToken} recipient may implement.
interface ITokenTransferHook {
    function onTokenTransfer(address from, uint256 value) external;
}
