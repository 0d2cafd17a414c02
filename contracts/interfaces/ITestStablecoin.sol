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

    // ---- EIP-2612 permit with a signature in bytes (ERC-1271 owners), as USDC v2.2 ----

    /// @notice The permit's signature is not `owner`'s over this permit, its current nonce, this chain and this
    /// token: not a low-s ECDSA signature by its key or, when `owner` has code, not accepted by its ERC-1271
    /// `isValidSignature` (a revert or any other answer is a refusal).
    error TestStablecoinInvalidPermitSignature(address owner, address spender);

    /// @notice EIP-2612 permit whose signature is bytes, as USDC v2.2: a 65-byte `r ‖ s ‖ v` ECDSA signature when
    /// `owner` has no code, otherwise whatever the owner's ERC-1271 `isValidSignature` accepts, so a smart account
    /// can permit. Same typed data, nonces and domain as the `v, r, s` permit; each signature works once.
    /// @param owner The holder whose allowance is set.
    /// @param spender The account allowed to spend.
    /// @param value The allowance, in base units.
    /// @param deadline The last second (unix) at which the permit may be used.
    /// @param signature The owner's signature of the EIP-712 `Permit`.
    function permit(address owner, address spender, uint256 value, uint256 deadline, bytes calldata signature) external;
}
