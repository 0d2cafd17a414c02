// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title LegacyDomainToken
/// @notice Stands in for a permit token that predates EIP-5267 (USDC "USD Coin" version "2" on older deployments): it
/// publishes `name()` and `DOMAIN_SEPARATOR()` but no `eip712Domain()`.
contract LegacyDomainToken {
    string private constant _NAME = "USD Coin";

    /// @notice The token's name, the domain's name.
    function name() external pure returns (string memory) {
        return _NAME;
    }

    /// @notice The EIP-712 domain separator over name, version "2", this chain and this token.
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                    keccak256(bytes(_NAME)),
                    keccak256("2"),
                    block.chainid,
                    address(this)
                )
            );
    }
}
