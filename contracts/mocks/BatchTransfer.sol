// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Test-only: spreads tokens it holds over many accounts in one transaction, to create holders cheaply.
contract BatchTransfer {
    function scatter(IERC20 token, address[] calldata to, uint256 amount) external {
        for (uint256 i; i < to.length; ++i) token.transfer(to[i], amount);
    }
}
