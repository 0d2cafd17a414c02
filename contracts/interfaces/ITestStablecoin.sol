// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Joulestack test stablecoin
/// @notice A 6-decimal dollar token with EIP-2612 permit (ERC-20, ERC-20 metadata and ERC-2612 apply), standing in
/// for USDC on local chains and testnets. It has no value: its owner mints it freely.
/// It also implements EIP-3009 (transfer with authorization) as USDC v2.2 does, so that standard clients (x402's
/// `exact` EVM scheme, USDC SDKs) sign against it unchanged.
interface ITestStablecoin {
    /// @notice Creates `amount` tokens (6 decimals) for `to`. Only the owner may mint.
    /// @param to The account that receives the new tokens.
    /// @param amount The number of base units to create (1 dollar = 1,000,000).
    function mint(address to, uint256 amount) external;

    // --- EIP-3009: transfer with authorization ---
    //
    // A holder signs, off chain, an EIP-712 message moving `value` from them to `to`, valid strictly after
    // `validAfter` and strictly before `validBefore` (validAfter < block.timestamp < validBefore), under a 32-byte
    // nonce of their choice. Anyone may submit a TransferWithAuthorization; a ReceiveWithAuthorization only its
    // payee, so that a contract paid this way (e.g. the compute market) cannot have the payment front-run into a
    // bare transfer. Each (authorizer, nonce) is used at most once, whether executed or cancelled. Signatures are
    // checked with OpenZeppelin's SignatureChecker: an ECDSA signature of the holder (low-s only) or an ERC-1271
    // signature of a smart-account holder. Typehashes are those of EIP-3009 and USDC:
    // TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,
    //   bytes32 nonce)
    // ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,
    //   bytes32 nonce)
    // CancelAuthorization(address authorizer,bytes32 nonce)

    /// @notice An authorization was executed: its nonce is used.
    /// @param authorizer The holder who signed it.
    /// @param nonce Its nonce.
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);

    /// @notice An authorization was cancelled before use: its nonce can no longer be used.
    /// @param authorizer The holder who signed the cancellation.
    /// @param nonce The cancelled nonce.
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    /// @notice The authorization is not valid yet: it is valid only once the time is past `validAfter`.
    error StablecoinAuthorizationNotYetValid(uint256 validAfter, uint256 currentTime);
    /// @notice The authorization expired: it was valid only before `validBefore`.
    error StablecoinAuthorizationExpired(uint256 validBefore, uint256 currentTime);
    /// @notice The authorizer's nonce was already used or cancelled.
    error StablecoinAuthorizationUsed(address authorizer, bytes32 nonce);
    /// @notice A receive-authorization can only be executed by its payee.
    error StablecoinAuthorizationCallerNotPayee(address caller, address payee);
    /// @notice The signature is not the authorizer's (ECDSA or ERC-1271) over this message on this token and chain.
    error StablecoinAuthorizationInvalidSignature(address authorizer);

    /// @notice The EIP-712 typehash of TransferWithAuthorization.
    function TRANSFER_WITH_AUTHORIZATION_TYPEHASH() external view returns (bytes32);

    /// @notice The EIP-712 typehash of ReceiveWithAuthorization.
    function RECEIVE_WITH_AUTHORIZATION_TYPEHASH() external view returns (bytes32);

    /// @notice The EIP-712 typehash of CancelAuthorization.
    function CANCEL_AUTHORIZATION_TYPEHASH() external view returns (bytes32);

    /// @notice Whether the authorizer's nonce was used or cancelled.
    /// @param authorizer The holder.
    /// @param nonce The nonce.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);

    /// @notice Executes a signed transfer of `value` from `from` to `to`. Anyone may submit it.
    /// @param from The payer, who signed.
    /// @param to The payee.
    /// @param value The amount, in base units.
    /// @param validAfter The authorization is valid only after this time (unix seconds).
    /// @param validBefore The authorization is valid only before this time (unix seconds).
    /// @param nonce The payer's unique nonce.
    /// @param v The signature's v.
    /// @param r The signature's r.
    /// @param s The signature's s.
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
    ) external;

    /// @notice Executes a signed transfer as above, with the signature as bytes (65-byte ECDSA or ERC-1271).
    /// @param from The payer, who signed.
    /// @param to The payee.
    /// @param value The amount, in base units.
    /// @param validAfter The authorization is valid only after this time (unix seconds).
    /// @param validBefore The authorization is valid only before this time (unix seconds).
    /// @param nonce The payer's unique nonce.
    /// @param signature The payer's signature.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Executes a signed receive-authorization: moves `value` from `from` to `to`, who must be the caller.
    /// @param from The payer, who signed.
    /// @param to The payee, the caller.
    /// @param value The amount, in base units.
    /// @param validAfter The authorization is valid only after this time (unix seconds).
    /// @param validBefore The authorization is valid only before this time (unix seconds).
    /// @param nonce The payer's unique nonce.
    /// @param v The signature's v.
    /// @param r The signature's r.
    /// @param s The signature's s.
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
    ) external;

    /// @notice Executes a signed receive-authorization as above, with the signature as bytes (65-byte ECDSA or
    /// ERC-1271).
    /// @param from The payer, who signed.
    /// @param to The payee, the caller.
    /// @param value The amount, in base units.
    /// @param validAfter The authorization is valid only after this time (unix seconds).
    /// @param validBefore The authorization is valid only before this time (unix seconds).
    /// @param nonce The payer's unique nonce.
    /// @param signature The payer's signature.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Cancels an unused authorization of `authorizer` by its nonce. Anyone may submit the signed
    /// cancellation.
    /// @param authorizer The holder, who signed the cancellation.
    /// @param nonce The nonce to cancel.
    /// @param v The signature's v.
    /// @param r The signature's r.
    /// @param s The signature's s.
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Cancels an unused authorization as above, with the signature as bytes (65-byte ECDSA or ERC-1271).
    /// @param authorizer The holder, who signed the cancellation.
    /// @param nonce The nonce to cancel.
    /// @param signature The holder's signature.
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external;
}
