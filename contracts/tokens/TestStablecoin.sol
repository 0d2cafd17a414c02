// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ITestStablecoin} from "../interfaces/ITestStablecoin.sol";

/// @title TestStablecoin
/// @notice The dollar used by Joulestack on local chains and testnets: 6 decimals like USDC, with EIP-2612 permit so
/// that buying and subscribing take one transaction, and EIP-3009 transfers with authorization so that an agent
/// holding only the stablecoin pays through a relayer. Production deployments use a real stablecoin instead.
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

    // --- EIP-3009: transfer with authorization ---

    /// @inheritdoc ITestStablecoin
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,"
        "uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @inheritdoc ITestStablecoin
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,"
        "uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @inheritdoc ITestStablecoin
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH = keccak256(
        "CancelAuthorization(address authorizer,bytes32 nonce)"
    );

    mapping(address authorizer => mapping(bytes32 nonce => bool used)) private _authorizationStates;

    /// @inheritdoc ITestStablecoin
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _authorizationStates[authorizer][nonce];
    }

    /// @inheritdoc ITestStablecoin
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        _transferWithAuthorization(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce,
            abi.encodePacked(r, s, v)
        );
    }

    /// @inheritdoc ITestStablecoin
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        _transferWithAuthorization(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce,
            signature
        );
    }

    /// @inheritdoc ITestStablecoin
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (to != msg.sender) revert StablecoinAuthorizationCallerNotPayee(msg.sender, to);
        _transferWithAuthorization(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce,
            abi.encodePacked(r, s, v)
        );
    }

    /// @inheritdoc ITestStablecoin
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        if (to != msg.sender) revert StablecoinAuthorizationCallerNotPayee(msg.sender, to);
        _transferWithAuthorization(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH,
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce,
            signature
        );
    }

    /// @inheritdoc ITestStablecoin
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        _cancelAuthorization(authorizer, nonce, abi.encodePacked(r, s, v));
    }

    /// @inheritdoc ITestStablecoin
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external {
        _cancelAuthorization(authorizer, nonce, signature);
    }

    function _transferWithAuthorization(
        bytes32 typehash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) private {
        if (block.timestamp <= validAfter) revert StablecoinAuthorizationNotYetValid(validAfter, block.timestamp);
        if (block.timestamp >= validBefore) revert StablecoinAuthorizationExpired(validBefore, block.timestamp);
        _checkAuthorization(
            from,
            nonce,
            keccak256(abi.encode(typehash, from, to, value, validAfter, validBefore, nonce)),
            signature
        );
        _authorizationStates[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
        _transfer(from, to, value);
    }

    function _cancelAuthorization(address authorizer, bytes32 nonce, bytes memory signature) private {
        _checkAuthorization(
            authorizer,
            nonce,
            keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce)),
            signature
        );
        _authorizationStates[authorizer][nonce] = true;
        emit AuthorizationCanceled(authorizer, nonce);
    }

    /// @dev Checks that the nonce is unused and that `signature` is the authorizer's over the struct hash in this
    /// token's EIP-712 domain: an ECDSA signature (OpenZeppelin rejects high-s twins) or, for a contract authorizer,
    /// an ERC-1271 one. A smart account that reverts or returns anything else than the magic value is refused alike.
    function _checkAuthorization(
        address authorizer,
        bytes32 nonce,
        bytes32 structHash,
        bytes memory signature
    ) private view {
        if (_authorizationStates[authorizer][nonce]) revert StablecoinAuthorizationUsed(authorizer, nonce);
        if (!SignatureChecker.isValidSignatureNow(authorizer, _hashTypedDataV4(structHash), signature)) {
            revert StablecoinAuthorizationInvalidSignature(authorizer);
        }
    }
}
