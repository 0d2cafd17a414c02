// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title SmartAccount
/// @notice A minimal contract wallet for tests: one owner key that signs for it (ERC-1271: an ECDSA signature of the
/// owner over the hash) and sends its calls, one at a time or batched (approve and buy in one transaction). The owner
/// can be replaced, after which the old key's signatures are refused.
contract SmartAccount is IERC1271, ERC1155Holder {
    /// @notice A call the account makes.
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    /// @notice The key that signs and acts for the account.
    address public owner;

    /// @notice The owner key changed.
    event OwnerChanged(address indexed previousOwner, address indexed newOwner);

    /// @notice Only the owner (or the account itself) may do this.
    error SmartAccountNotOwner(address caller);

    constructor(address owner_) {
        owner = owner_;
        emit OwnerChanged(address(0), owner_);
    }

    modifier onlyOwner() {
        if (msg.sender != owner && msg.sender != address(this)) revert SmartAccountNotOwner(msg.sender);
        _;
    }

    receive() external payable {}

    /// @notice Replaces the owner key.
    function setOwner(address newOwner) external onlyOwner {
        emit OwnerChanged(owner, newOwner);
        owner = newOwner;
    }

    /// @notice Makes one call; a failing call reverts with the callee's own revert data.
    function execute(address target, uint256 value, bytes calldata data) external onlyOwner returns (bytes memory) {
        return _call(target, value, data);
    }

    /// @notice Makes the calls in order, all or nothing.
    function executeBatch(Call[] calldata calls) external onlyOwner returns (bytes[] memory results) {
        results = new bytes[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            results[i] = _call(calls[i].target, calls[i].value, calls[i].data);
        }
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == owner) return IERC1271.isValidSignature.selector;
        return 0xffffffff;
    }

    function _call(address target, uint256 value, bytes calldata data) private returns (bytes memory result) {
        bool success;
        (success, result) = target.call{value: value}(data);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
