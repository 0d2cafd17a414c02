// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Joulestack test stablecoin
/// @notice A 6-decimal dollar token with EIP-2612 permit (ERC-20, ERC-20 metadata and ERC-2612 apply), standing in
/// for USDC on local chains and testnets. It has no value: its owner mints it freely.
interface ITestStablecoin {
    /// @notice Creates `amount` tokens (6 decimals) for `to`. Only the owner may mint.
    /// @param to The account that receives the new tokens.
    /// @param amount The number of base units to create (1 dollar = 1,000,000).
    function mint(address to, uint256 amount) external;
}
