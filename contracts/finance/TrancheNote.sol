// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {ITrancheNote} from "../interfaces/ITrancheNote.sol";
import {ITrancheVault} from "../interfaces/ITrancheVault.sol";

/// @title TrancheNote
/// @notice One tranche of a Joulestack vault as an ERC-20 note, deployed by its vault. Every mint, burn and transfer
/// first calls the vault, which enforces the investor registry and settles accrued payouts of both parties.
contract TrancheNote is ITrancheNote, ERC20 {
    address private immutable _vault;
    uint256 private immutable _trancheId;
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 trancheId_) ERC20(name_, symbol_) {
        _vault = msg.sender;
        _trancheId = trancheId_;
        _decimals = decimals_;
    }

    modifier onlyVault() {
        if (msg.sender != _vault) revert TrancheNoteUnauthorized(msg.sender);
        _;
    }

    /// @inheritdoc ITrancheNote
    function mint(address to, uint256 amount) external onlyVault {
        _mint(to, amount);
    }

    /// @inheritdoc ITrancheNote
    function burn(address from, uint256 amount) external onlyVault {
        _burn(from, amount);
    }

    /// @inheritdoc ITrancheNote
    function forcedTransfer(address from, address to, uint256 amount) external onlyVault {
        _transfer(from, to, amount);
    }

    /// @inheritdoc ITrancheNote
    function vault() external view returns (address) {
        return _vault;
    }

    /// @inheritdoc ITrancheNote
    function trancheId() external view returns (uint256) {
        return _trancheId;
    }

    /// @notice The stablecoin's decimals: one note unit is one stablecoin unit of face value.
    function decimals() public view override(ERC20, IERC20Metadata) returns (uint8) {
        return _decimals;
    }

    /// @dev The vault checks compliance (including of a spender acting through `transferFrom`) and settles both
    /// holders before balances change.
    function _update(address from, address to, uint256 value) internal override {
        ITrancheVault(_vault).onNoteUpdate(_msgSender(), from, to, value);
        super._update(from, to, value);
    }
}
