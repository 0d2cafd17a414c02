// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {ITestStablecoin} from "../interfaces/ITestStablecoin.sol";

/// @title TestStablecoin
/// @notice The dollar used by Joulestack on local chains and testnets: 6 decimals like USDC, with EIP-2612 permit so
/// that buying and subscribing take one transaction. Production deployments use a real stablecoin instead.
contract TestStablecoin is ITestStablecoin, ERC20Permit, Ownable {
    constructor(
        address initialOwner
    ) ERC20("Joulestack Test Dollar", "tUSD") ERC20Permit("Joulestack Test Dollar") Ownable(initialOwner) {}

    /// @inheritdoc ITestStablecoin
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice Six decimals, as USDC on every chain Joulestack targets.
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
