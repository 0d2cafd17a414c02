// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {ITrancheNote} from "../interfaces/ITrancheNote.sol";
import {ITrancheVault} from "../interfaces/ITrancheVault.sol";
import {NoteShareMath} from "../libraries/NoteShareMath.sol";

/// @title TrancheNote
/// @notice One tranche of a Joulestack vault as an ERC-20 note, deployed by its vault. Transfers are checked against
/// the investor registry here; the tranche's payout accumulator and each holder's correction live here too, the
/// correction packed with the balance, so a transfer writes the two balance words any ERC-20 transfer writes.
contract TrancheNote is ITrancheNote {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @dev A holder's balance and accumulator correction, in one slot. The vault caps every tranche's size at
    /// 2^96 - 1 notes; the correction is bounded by the holder's entitlement times `SCALE` (SafeCast reverts rather
    /// than truncate).
    struct Account {
        uint96 balance;
        int160 correction;
    }

    /// @dev The supply and the accumulator, in one slot: an allotment reads the one and raises the other.
    struct Supply {
        uint96 total;
        uint160 cashPerNote;
    }

    address private immutable _vault;
    IInvestorRegistry private immutable _registry;
    uint256 private immutable _trancheId;
    uint8 private immutable _decimals;

    string private _name;
    string private _symbol;
    Supply private _supply;
    mapping(address account => Account) private _accounts;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        uint256 trancheId_,
        IInvestorRegistry registry_
    ) {
        _vault = msg.sender;
        _registry = registry_;
        _trancheId = trancheId_;
        _decimals = decimals_;
        _name = name_;
        _symbol = symbol_;
    }

    modifier onlyVault() {
        if (msg.sender != _vault) revert TrancheNoteUnauthorized(msg.sender);
        _;
    }

    // --- ERC-20 ---

    /// @inheritdoc IERC20
    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, msg.sender, to, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = _allowances[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert ERC20InsufficientAllowance(msg.sender, allowed, amount);
            unchecked {
                _allowances[from][msg.sender] = allowed - amount;
            }
        }
        _transfer(msg.sender, from, to, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 amount) external returns (bool) {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _allowances[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account].balance;
    }

    /// @inheritdoc IERC20
    function totalSupply() external view returns (uint256) {
        return _supply.total;
    }

    /// @inheritdoc IERC20
    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    /// @inheritdoc IERC20Metadata
    function name() external view returns (string memory) {
        return _name;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() external view returns (string memory) {
        return _symbol;
    }

    /// @notice The stablecoin's decimals: one note unit is one stablecoin unit of face value.
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    // --- vault ---

    /// @inheritdoc ITrancheNote
    function mint(address to, uint256 amount) external onlyVault {
        _requireVerified(to);
        Supply memory s = _supply;
        _supply.total = (s.total + amount).toUint96();
        Account memory a = _accounts[to];
        _accounts[to] = Account(
            (a.balance + amount).toUint96(),
            (a.correction - (amount * s.cashPerNote).toInt256()).toInt160()
        );
        emit Transfer(address(0), to, amount);
    }

    /// @inheritdoc ITrancheNote
    function allot(uint256 amount) external onlyVault returns (uint256 consumed, uint256 perNote) {
        Supply memory s = _supply;
        uint256 growth = NoteShareMath.perNoteDown(amount, s.total);
        consumed = NoteShareMath.consumedUp(growth, s.total);
        perNote = s.cashPerNote + growth;
        _supply.cashPerNote = perNote.toUint160();
    }

    /// @inheritdoc ITrancheNote
    function take(address account) external onlyVault returns (uint256 owed) {
        Account memory a = _accounts[account];
        uint256 entitled = _entitlement(a, _supply.cashPerNote);
        owed = entitled / NoteShareMath.SCALE;
        if (owed != 0)
            _accounts[account].correction = (a.correction - (owed * NoteShareMath.SCALE).toInt256()).toInt160();
    }

    /// @inheritdoc ITrancheNote
    function cancel(address account) external onlyVault returns (uint256 notes, uint256 owed) {
        Account memory a = _accounts[account];
        uint256 entitled = _entitlement(a, _supply.cashPerNote);
        notes = a.balance;
        owed = entitled / NoteShareMath.SCALE;
        // What is left is the fraction of a unit the holder was owed below the rounding; it stays theirs.
        _accounts[account] = Account(0, (entitled - owed * NoteShareMath.SCALE).toInt256().toInt160());
        if (notes != 0) {
            _supply.total -= uint96(notes);
            emit Transfer(account, address(0), notes);
        }
    }

    /// @inheritdoc ITrancheNote
    function recover(address lost, address replacement) external onlyVault returns (uint256 notes, uint256 owed) {
        uint256 perNote = _supply.cashPerNote;
        Account memory from = _accounts[lost];
        uint256 entitled = _entitlement(from, perNote);
        notes = from.balance;
        owed = entitled / NoteShareMath.SCALE;
        _accounts[lost] = Account(0, (entitled - owed * NoteShareMath.SCALE).toInt256().toInt160());
        // The replacement receives the notes without their past accruals, and the lost wallet's owed payouts.
        Account memory to = _accounts[replacement];
        int256 moved = (owed * NoteShareMath.SCALE).toInt256() - (notes * perNote).toInt256();
        _accounts[replacement] = Account((to.balance + notes).toUint96(), (to.correction + moved).toInt160());
        if (notes != 0) emit Transfer(lost, replacement, notes);
    }

    // --- views ---

    /// @inheritdoc ITrancheNote
    function vault() external view returns (address) {
        return _vault;
    }

    /// @inheritdoc ITrancheNote
    function trancheId() external view returns (uint256) {
        return _trancheId;
    }

    /// @inheritdoc ITrancheNote
    function cashPerNote() external view returns (uint256) {
        return _supply.cashPerNote;
    }

    /// @inheritdoc ITrancheNote
    function owedOf(address account) external view returns (uint256) {
        return _entitlement(_accounts[account], _supply.cashPerNote) / NoteShareMath.SCALE;
    }

    // --- internal ---

    /// @dev Checks compliance (a frozen account can neither send, receive, nor move others' notes as a spender; the
    /// receiver must be verified) and moves the notes with their share of the accumulator, so accrued payouts stay.
    function _transfer(address operator, address from, address to, uint256 amount) internal {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        if (operator != from && _registry.investor(operator).frozen) {
            revert ITrancheVault.TrancheVaultAccountFrozen(operator);
        }
        _requireVerified(to);
        if (_registry.investor(from).frozen) revert ITrancheVault.TrancheVaultAccountFrozen(from);

        Account memory a = _accounts[from];
        if (a.balance < amount) revert ERC20InsufficientBalance(from, a.balance, amount);
        int256 shift = (amount * _supply.cashPerNote).toInt256();
        // amount <= balance < 2^96, so the narrowing is exact.
        _accounts[from] = Account(a.balance - uint96(amount), (a.correction + shift).toInt160());
        Account memory b = _accounts[to];
        _accounts[to] = Account((b.balance + amount).toUint96(), (b.correction - shift).toInt160());
        emit Transfer(from, to, amount);
    }

    function _requireVerified(address account) internal view {
        IInvestorRegistry.Investor memory entry = _registry.investor(account);
        if (entry.frozen) revert ITrancheVault.TrancheVaultAccountFrozen(account);
        if (entry.expiry <= block.timestamp) revert ITrancheVault.TrancheVaultInvestorNotVerified(account);
    }

    /// @dev `balance * perNote + correction`: the holder's entitlement scaled by `SCALE`, never negative.
    function _entitlement(Account memory a, uint256 perNote) internal pure returns (uint256) {
        uint256 gross = uint256(a.balance) * perNote;
        int256 c = a.correction;
        return c >= 0 ? gross + uint256(c) : gross - uint256(-c);
    }
}
