// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Token metadata renderer
/// @notice Builds the on-chain JSON metadata of one ERC-1155 token contract, its market. The market creates its
/// renderer in its constructor and forwards `uri(id)` and `contractURI()` to it, which keeps the JSON code out of the
/// market's own bytecode (24 KB limit). The renderer reads the market through its public views only.
interface ITokenMetadata {
    /// @notice The market whose tokens this renderer describes.
    function market() external view returns (address);

    /// @notice The ERC-1155 metadata of token `id` as a `data:application/json;base64,` URI.
    /// @param id The token id.
    function uri(uint256 id) external view returns (string memory);

    /// @notice The ERC-7572 contract-level metadata of the market as a `data:application/json;base64,` URI.
    function contractURI() external view returns (string memory);
}
