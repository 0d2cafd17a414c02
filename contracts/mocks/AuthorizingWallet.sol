// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test-only: a minimal ERC-1271 smart wallet of one owner key, standing for an agent's smart account. It
/// accepts a signature when the owner's ECDSA signature over the hash recovers, and lets the owner make calls.
contract AuthorizingWallet is IERC1271 {
    /// @notice The key whose signatures the wallet accepts.
    address public owner;

    error AuthorizingWalletNotOwner(address caller);

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Hands the wallet to another key: signatures of the previous one stop being accepted.
    function setOwner(address owner_) external {
        if (msg.sender != owner) revert AuthorizingWalletNotOwner(msg.sender);
        owner = owner_;
    }

    /// @notice Makes a call from the wallet; only the owner may.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert AuthorizingWalletNotOwner(msg.sender);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        return result;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == owner ? this.isValidSignature.selector : bytes4(0);
    }
}
