// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @title LyingERC1271
/// @notice An ERC-1271 signer that accepts every signature of every hash: whoever names it as their signer trusts
/// anyone, but it cannot sign for an account that did not choose it.
contract LyingERC1271 is IERC1271 {
    /// @inheritdoc IERC1271
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return IERC1271.isValidSignature.selector;
    }
}
