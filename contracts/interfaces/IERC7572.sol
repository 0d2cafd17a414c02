// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC-7572 contract-level metadata
/// @notice What marketplaces and explorers show for the contract as a whole (name, description, symbol). The
/// Joulestack tokens build it on chain from constants and immutables, so it never changes and no
/// `ContractURIUpdated()` event is ever emitted.
interface IERC7572 {
    /// @notice The contract's metadata as a `data:application/json;base64,` URI.
    function contractURI() external view returns (string memory);
}
