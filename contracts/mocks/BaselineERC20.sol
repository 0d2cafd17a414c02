// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A plain OpenZeppelin ERC-20 with open minting: the gas baseline the benchmark compares Joulestack's
/// token operations against. Test-only; never deployed by the deploy scripts.
contract BaselineERC20 is ERC20 {
    constructor() ERC20("Baseline", "BASE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
