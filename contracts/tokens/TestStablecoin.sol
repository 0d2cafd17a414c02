// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ITestStablecoin} from "../interfaces/ITestStablecoin.sol";

/// @title TestStablecoin
/// @notice The dollar used by Joulestack on local chains and testnets: 6 decimals like USDC, with EIP-2612 permit so
/// that buying and subscribing take one transaction. Production deployments use a real stablecoin instead.
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

    // ---- EIP-2612 permit with a signature in bytes (ERC-1271 owners), as USDC v2.2 ----

    /// @dev keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"), the
    /// type hash ERC20Permit keeps private.
    bytes32 private constant _PERMIT_TYPEHASH = 0x6e71edae12b1b97f4d1f60370fef10105fa2faae0126114a169c64845d6126c9;

    /// @inheritdoc ITestStablecoin
    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(_PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline))
        );
        if (!SignatureChecker.isValidSignatureNowCalldata(owner, digest, signature)) {
            revert TestStablecoinInvalidPermitSignature(owner, spender);
        }
        _approve(owner, spender, value);
    }
}
