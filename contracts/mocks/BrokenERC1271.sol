// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @title BrokenERC1271
/// @notice An ERC-1271 signer that never answers properly: it reverts with its own error, burns all the gas it is
/// given, or returns a short answer. A verifier must treat each as an invalid signature, not bubble it up.
contract BrokenERC1271 is IERC1271 {
    /// @notice How the signer misbehaves.
    enum Mode {
        Revert,
        BurnGas,
        ShortAnswer
    }

    /// @notice The revert the signer raises in `Revert` mode, which must never reach the caller of the verifier.
    error BrokenERC1271Refused(bytes32 hash);

    /// @notice How this instance misbehaves.
    Mode public immutable mode;

    constructor(Mode mode_) {
        mode = mode_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata) external view returns (bytes4) {
        if (mode == Mode.Revert) revert BrokenERC1271Refused(hash);
        if (mode == Mode.BurnGas) {
            // Spins until the call runs out of gas.
            uint256 spins;
            while (gasleft() > 0) ++spins;
        }
        assembly ("memory-safe") {
            mstore(0, shl(224, 0x1626ba7e))
            return(0, 4)
        }
    }
}
