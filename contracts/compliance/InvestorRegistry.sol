// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";

/// @title InvestorRegistry
/// @notice The allow-list of verified investors (with expiry and jurisdiction) and frozen accounts, kept by
/// compliance agents.
contract InvestorRegistry is IInvestorRegistry, AccessControl {
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");

    mapping(address account => Investor) private _investors;
    mapping(address account => bytes32 identity) private _identities;

    constructor(address admin) {
        if (admin == address(0)) revert InvestorRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(AGENT_ROLE, admin);
    }

    /// @inheritdoc IInvestorRegistry
    function listInvestor(address account, uint64 expiry, uint16 jurisdiction) external onlyRole(AGENT_ROLE) {
        _list(account, expiry, jurisdiction);
    }

    /// @inheritdoc IInvestorRegistry
    function listInvestors(
        address[] calldata accounts,
        uint64 expiry,
        uint16 jurisdiction
    ) external onlyRole(AGENT_ROLE) {
        for (uint256 i; i < accounts.length; ++i) _list(accounts[i], expiry, jurisdiction);
    }

    /// @inheritdoc IInvestorRegistry
    function delistInvestor(address account) external onlyRole(AGENT_ROLE) {
        Investor storage entry = _investors[account];
        if (entry.expiry == 0) revert InvestorRegistryNotListed(account);
        entry.expiry = 0;
        entry.jurisdiction = 0;
        emit InvestorDelisted(account);
    }

    /// @inheritdoc IInvestorRegistry
    function setFrozen(address account, bool frozen) external onlyRole(AGENT_ROLE) {
        if (account == address(0)) revert InvestorRegistryZeroAddress();
        _investors[account].frozen = frozen;
        emit AccountFreezeSet(account, frozen);
    }

    /// @inheritdoc IInvestorRegistry
    function linkIdentity(address account, bytes32 identity) external onlyRole(AGENT_ROLE) {
        if (account == address(0)) revert InvestorRegistryZeroAddress();
        _identities[account] = identity;
        emit IdentityLinked(account, identity);
    }

    /// @inheritdoc IInvestorRegistry
    function identityOf(address account) external view returns (bytes32) {
        return _identities[account];
    }

    /// @inheritdoc IInvestorRegistry
    function investor(address account) external view returns (Investor memory) {
        return _investors[account];
    }

    /// @inheritdoc IInvestorRegistry
    function isVerified(address account) external view returns (bool) {
        Investor memory entry = _investors[account];
        return !entry.frozen && entry.expiry > block.timestamp;
    }

    function _list(address account, uint64 expiry, uint16 jurisdiction) private {
        if (account == address(0)) revert InvestorRegistryZeroAddress();
        if (expiry <= block.timestamp) revert InvestorRegistryExpiryNotInFuture(account, expiry, block.timestamp);
        Investor storage entry = _investors[account];
        entry.expiry = expiry;
        entry.jurisdiction = jurisdiction;
        emit InvestorListed(account, expiry, jurisdiction);
    }
}
