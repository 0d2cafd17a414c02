// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IRevenueIntake} from "../interfaces/IRevenueIntake.sol";
import {ITrancheNote} from "../interfaces/ITrancheNote.sol";
import {ITrancheVault} from "../interfaces/ITrancheVault.sol";
import {NoteShareMath} from "../libraries/NoteShareMath.sol";
import {WaterfallMath} from "../libraries/WaterfallMath.sol";
import {TrancheNote} from "./TrancheNote.sol";

/// @title TrancheVault
/// @notice A tranche waterfall vault: investors fund a project in stablecoin through 1 to 5 tranches of notes, and
/// the project's revenue pays them back each period in strict priority order. Payouts accrue to a per-note
/// accumulator per tranche, so a distribution costs O(tranches) whatever the number of holders, and holders pull.
contract TrancheVault is ITrancheVault, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");
    bytes32 public constant LOSS_ASSESSOR_ROLE = keccak256("LOSS_ASSESSOR_ROLE");
    uint256 public constant MAX_TRANCHES = 5;
    /// @notice The highest coverage covenant a vault accepts (4.00x); 10,000 bps is the most a reserve target can be.
    uint256 public constant MAX_COVERAGE_BPS = 40_000;
    /// @notice How long a holder has to contest an announced recovery of their wallet.
    uint256 public constant RECOVERY_DELAY = 7 days;

    IERC20 private immutable _asset;
    IInvestorRegistry private immutable _registry;
    address private immutable _projectWallet;
    uint256 private immutable _fundingDeadline;
    uint256 private immutable _periodLength;
    uint256 private immutable _periodCount;
    uint256 private immutable _servicingFee;
    uint256 private immutable _reserveTargetBps;
    uint256 private immutable _minCoverageBps;
    uint256 private immutable _trancheCount;

    struct Holder {
        uint256 cashPerNoteSettled;
        uint256 owed;
    }

    struct Fees {
        uint256 owed;
        uint256 arrears;
    }

    /// @dev The vault's flags and fee recipient, in one slot: `debtWrittenOff` says whether some debt principal is
    /// written off and not yet recovered (so the recovery step reads the tranches only then).
    struct Status {
        VaultState state;
        bool drawn;
        bool covenantBreached;
        bool debtWrittenOff;
        address feeRecipient;
    }

    struct Recovery {
        address replacement;
        uint64 executableAt;
    }

    /// @dev Revenue booked to a period by source, and once distributed, what its waterfall did.
    struct PeriodBook {
        uint256[4] revenueBySource;
        StoredPeriodReport report;
        mapping(uint256 trancheId => StoredTrancheReport) tranches;
    }

    /// @dev A {PeriodReport} as stored: amounts in 128 bits, two to a slot, so that a distribution writes half the
    /// slots (2^128 base units is far beyond any stablecoin's supply; SafeCast reverts rather than truncate). Coverage
    /// keeps 256 bits: it is "infinite" (`type(uint256).max`) when no debt service is due.
    struct StoredPeriodReport {
        uint128 revenue;
        uint128 cashAvailable;
        uint128 feeDue;
        uint128 feePaid;
        uint128 reserveDrawn;
        uint128 reserveToppedUp;
        uint128 reserveReleased;
        uint128 swept;
        uint128 equityResidual;
        bool covenantBreached;
        uint256 coverageBps;
    }

    /// @dev A {TrancheReport} as stored, packed as {StoredPeriodReport}.
    struct StoredTrancheReport {
        uint128 interestDue;
        uint128 interestPaid;
        uint128 principalDue;
        uint128 principalPaid;
        uint128 allotted;
    }

    Tranche[] private _tranches;
    mapping(address note => uint256 trancheIdPlusOne) private _noteTranche;
    mapping(uint256 trancheId => mapping(address account => Holder)) private _holders;

    Status private _status;
    bool private transient _recovering;
    uint256 private _startTime;
    uint256 private _lastPeriod;
    uint256 private _pendingRevenue;
    uint256 private _reserve;
    Fees private _fees;
    Totals private _totals;
    mapping(uint256 period => PeriodBook) private _periods;
    mapping(address lost => Recovery) private _recoveries;

    constructor(VaultParams memory p, TrancheParams[] memory tranches) {
        _checkParams(p);
        uint256 count = tranches.length;
        if (count == 0 || count > MAX_TRANCHES) revert TrancheVaultInvalidTrancheCount(count);

        _asset = IERC20(p.asset);
        _registry = IInvestorRegistry(p.registry);
        _projectWallet = p.projectWallet;
        _status.feeRecipient = p.feeRecipient;
        _fundingDeadline = p.fundingDeadline;
        _periodLength = p.periodLength;
        _periodCount = p.periodCount;
        _servicingFee = p.servicingFeePerPeriod;
        _reserveTargetBps = p.reserveTargetBps;
        _minCoverageBps = p.minCoverageBps;
        _trancheCount = count;

        uint8 decimals = IERC20Metadata(p.asset).decimals();
        for (uint256 i; i < count; ++i) {
            TrancheParams memory t = tranches[i];
            bool residual = i == count - 1;
            if (
                t.targetSize == 0 ||
                t.minSubscription > t.targetSize ||
                (residual && (t.couponBps != 0 || t.amortizationPerPeriod != 0))
            ) revert TrancheVaultInvalidTranche(i);
            address note = address(new TrancheNote(t.name, t.symbol, decimals, i));
            _noteTranche[note] = i + 1;
            Tranche storage s = _tranches.push();
            s.note = note;
            s.targetSize = t.targetSize;
            s.minSubscription = t.minSubscription;
            s.couponBps = t.couponBps;
            s.amortizationPerPeriod = t.amortizationPerPeriod;
        }

        _grantRole(DEFAULT_ADMIN_ROLE, p.admin);
        _grantRole(OPERATOR_ROLE, p.admin);
        _grantRole(AGENT_ROLE, p.admin);
        _grantRole(LOSS_ASSESSOR_ROLE, p.admin);
    }

    // --- funding ---

    /// @inheritdoc ITrancheVault
    function subscribe(uint256 trancheId, uint256 amount) external nonReentrant {
        _subscribe(trancheId, amount);
    }

    /// @inheritdoc ITrancheVault
    function subscribeWithPermit(
        uint256 trancheId,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // A front-run permit already set the allowance; the pull below fails if it did not.
        try IERC20Permit(address(_asset)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _subscribe(trancheId, amount);
    }

    /// @inheritdoc ITrancheVault
    function closeFunding() external {
        _requireState(VaultState.Funding);
        bool full = true;
        uint256 raised;
        for (uint256 i; i < _trancheCount; ++i) {
            Tranche storage t = _tranches[i];
            raised += t.raised;
            if (t.raised < t.targetSize) full = false;
        }
        if (full) {
            _status.state = VaultState.Active;
            _startTime = block.timestamp;
            emit FundingClosed(block.timestamp, raised);
        } else if (block.timestamp >= _fundingDeadline) {
            _status.state = VaultState.Failed;
            emit FundingFailed(raised);
        } else {
            revert TrancheVaultFundingStillOpen(_fundingDeadline);
        }
    }

    /// @inheritdoc ITrancheVault
    function refund(uint256 trancheId, address receiver) external nonReentrant returns (uint256 amount) {
        _requireState(VaultState.Failed);
        Tranche storage t = _trancheAt(trancheId);
        _checkPayout(receiver);
        ITrancheNote note = ITrancheNote(t.note);
        uint256 notes = note.balanceOf(msg.sender);
        // Nothing was drawn, so each note's face value is still held; the burn settles the holder first.
        if (notes != 0) note.burn(msg.sender, notes);
        amount = notes + _takeOwed(trancheId, t, msg.sender);
        if (amount == 0) revert TrancheVaultNothingToClaim(trancheId, msg.sender);
        _totals.refunded += notes;
        emit Refunded(trancheId, msg.sender, receiver, notes, amount);
        _asset.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ITrancheVault
    function drawdown() external onlyRole(OPERATOR_ROLE) nonReentrant {
        _requireState(VaultState.Active);
        if (_status.drawn) revert TrancheVaultAlreadyDrawn();
        uint256 deadline = _startTime + _periodLength;
        if (block.timestamp >= deadline) revert TrancheVaultDrawDeadlinePassed(deadline);
        _status.drawn = true;
        uint256 amount = _totals.paidIn;
        _totals.drawn = amount;
        emit Drawn(_projectWallet, amount);
        _asset.safeTransfer(_projectWallet, amount);
    }

    /// @inheritdoc ITrancheVault
    function unwind() external {
        _requireState(VaultState.Active);
        if (_status.drawn) revert TrancheVaultAlreadyDrawn();
        uint256 deadline = _startTime + _periodLength;
        if (block.timestamp < deadline) revert TrancheVaultDrawDeadlineNotReached(deadline);
        _status.state = VaultState.Failed;
        // No period was distributed (that needs the drawdown), so the raise is whole and no fee or interest accrued;
        // revenue that already arrived is the residual tranche's, as it would have been after debt service.
        uint256 revenue = _pendingRevenue;
        _pendingRevenue = _allot(_trancheCount - 1, revenue);
        emit RaiseUnwound(deadline, _totals.paidIn, revenue);
    }

    // --- servicing ---

    /// @inheritdoc IRevenueIntake
    function receiveRevenue(RevenueSource source, uint256 amount) external nonReentrant {
        _requireState(VaultState.Active);
        if (amount == 0) revert TrancheVaultZeroAmount();
        _periods[_lastPeriod + 1].revenueBySource[uint256(source)] += amount;
        _pendingRevenue += amount;
        _totals.revenue += amount;
        _pull(msg.sender, amount);
        emit RevenueReceived(source, msg.sender, amount);
    }

    /// @inheritdoc ITrancheVault
    function distribute(uint256 period) external {
        _requireState(VaultState.Active);
        uint256 expected = _lastPeriod + 1;
        if (period < expected) revert TrancheVaultPeriodAlreadyDistributed(period);
        if (period > expected) revert TrancheVaultPeriodOutOfOrder(expected, period);
        if (!_status.drawn) revert TrancheVaultNotDrawn();
        uint256 endsAt = _startTime + period * _periodLength;
        if (block.timestamp < endsAt) revert TrancheVaultPeriodNotEnded(period, endsAt);
        _lastPeriod = period;
        _runWaterfall(period);
    }

    /// @inheritdoc ITrancheVault
    function writeDown(uint256 amount) external onlyRole(LOSS_ASSESSOR_ROLE) {
        _requireState(VaultState.Active);
        // Money that never left the vault cannot be lost: an undrawn raise is refunded whole.
        if (!_status.drawn) revert TrancheVaultNotDrawn();
        if (amount == 0) revert TrancheVaultZeroAmount();
        uint256 count = _trancheCount;
        uint256[] memory principals = new uint256[](count);
        uint256 total;
        for (uint256 i; i < count; ++i) {
            principals[i] = _tranches[i].principal;
            total += principals[i];
        }
        if (amount > total) revert TrancheVaultWriteDownExceedsPrincipal(amount, total);
        uint256[] memory cuts = WaterfallMath.lossesBottomUp(principals, amount);
        for (uint256 i = count; i > 0; --i) {
            uint256 cut = cuts[i - 1];
            if (cut == 0) continue;
            Tranche storage t = _tranches[i - 1];
            t.principal -= cut;
            t.writtenDown += cut;
            if (i < count) _status.debtWrittenOff = true;
            emit PrincipalWrittenDown(i - 1, cut, t.principal);
        }
    }

    /// @inheritdoc ITrancheVault
    function claim(uint256 trancheId, address receiver) external nonReentrant returns (uint256 amount) {
        Tranche storage t = _trancheAt(trancheId);
        _checkPayout(receiver);
        amount = _takeOwed(trancheId, t, msg.sender);
        if (amount == 0) revert TrancheVaultNothingToClaim(trancheId, msg.sender);
        emit Claimed(trancheId, msg.sender, receiver, amount);
        _asset.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ITrancheVault
    function redeem(uint256 trancheId, address receiver) external nonReentrant returns (uint256 amount) {
        _requireState(VaultState.Matured);
        Tranche storage t = _trancheAt(trancheId);
        _checkPayout(receiver);
        ITrancheNote note = ITrancheNote(t.note);
        uint256 notes = note.balanceOf(msg.sender);
        if (notes != 0) note.burn(msg.sender, notes); // settles the holder first
        amount = _takeOwed(trancheId, t, msg.sender);
        if (notes == 0 && amount == 0) revert TrancheVaultNothingToClaim(trancheId, msg.sender);
        emit Redeemed(trancheId, msg.sender, receiver, notes, amount);
        if (amount != 0) _asset.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ITrancheVault
    function payFees() external nonReentrant {
        uint256 amount = _fees.owed;
        if (amount == 0) revert TrancheVaultZeroAmount();
        _fees.owed = 0;
        _totals.feesPaid += amount;
        emit FeesPaid(_status.feeRecipient, amount);
        _asset.safeTransfer(_status.feeRecipient, amount);
    }

    /// @inheritdoc ITrancheVault
    function setFeeRecipient(address recipient) external onlyRole(OPERATOR_ROLE) {
        if (recipient == address(0)) revert TrancheVaultZeroAddress();
        emit FeeRecipientSet(_status.feeRecipient, recipient);
        _status.feeRecipient = recipient;
    }

    /// @inheritdoc ITrancheVault
    function announceRecovery(address lost, address replacement) external onlyRole(AGENT_ROLE) {
        _checkRecovery(lost, replacement);
        uint256 executableAt = block.timestamp + RECOVERY_DELAY;
        _recoveries[lost] = Recovery(replacement, uint64(executableAt));
        emit RecoveryAnnounced(lost, replacement, executableAt, msg.sender);
    }

    /// @inheritdoc ITrancheVault
    function cancelRecovery(address lost) external {
        if (msg.sender != lost && !hasRole(AGENT_ROLE, msg.sender)) {
            revert TrancheVaultRecoveryNotCancellable(msg.sender, lost);
        }
        if (_recoveries[lost].replacement == address(0)) revert TrancheVaultRecoveryNotAnnounced(lost);
        delete _recoveries[lost];
        emit RecoveryCancelled(lost, msg.sender);
    }

    /// @inheritdoc ITrancheVault
    function recoverNotes(address lost) external nonReentrant {
        Recovery memory r = _recoveries[lost];
        if (r.replacement == address(0)) revert TrancheVaultRecoveryNotAnnounced(lost);
        if (block.timestamp < r.executableAt) revert TrancheVaultRecoveryPending(lost, r.executableAt);
        address replacement = r.replacement;
        // The registry may have changed during the window: the replacement must still qualify.
        _checkRecovery(lost, replacement);
        delete _recoveries[lost];
        _recovering = true;
        for (uint256 i; i < _trancheCount; ++i) {
            Tranche storage t = _tranches[i];
            ITrancheNote note = ITrancheNote(t.note);
            uint256 notes = note.balanceOf(lost);
            _settle(i, t, lost);
            _settle(i, t, replacement);
            uint256 owed = _holders[i][lost].owed;
            _holders[i][lost].owed = 0;
            _holders[i][replacement].owed += owed;
            if (notes != 0) note.forcedTransfer(lost, replacement, notes);
            if (notes != 0 || owed != 0) emit NotesRecovered(i, lost, replacement, notes, owed);
        }
        _recovering = false;
    }

    /// @inheritdoc ITrancheVault
    function onNoteUpdate(address operator, address from, address to, uint256) external {
        uint256 idPlusOne = _noteTranche[msg.sender];
        if (idPlusOne == 0) revert TrancheVaultNotNote(msg.sender);
        uint256 trancheId = idPlusOne - 1;
        Tranche storage t = _tranches[trancheId];
        // A spender acting through `transferFrom` must not be frozen either (the vault's own mints, burns and
        // recoveries are checked where they are called).
        if (operator != from && operator != address(this) && _registry.investor(operator).frozen) {
            revert TrancheVaultAccountFrozen(operator);
        }
        if (to != address(0)) _requireVerified(to);
        if (from != address(0)) {
            if (!_recovering && _registry.investor(from).frozen) revert TrancheVaultAccountFrozen(from);
            _settle(trancheId, t, from);
        }
        if (to != address(0)) _settle(trancheId, t, to);
    }

    // --- views ---

    /// @inheritdoc IRevenueIntake
    function revenueAsset() external view returns (address) {
        return address(_asset);
    }

    /// @inheritdoc ITrancheVault
    function params() external view returns (VaultParams memory) {
        return
            VaultParams({
                asset: address(_asset),
                registry: address(_registry),
                admin: address(0),
                projectWallet: _projectWallet,
                feeRecipient: _status.feeRecipient,
                fundingDeadline: uint64(_fundingDeadline),
                periodLength: uint64(_periodLength),
                periodCount: uint32(_periodCount),
                servicingFeePerPeriod: _servicingFee,
                reserveTargetBps: uint16(_reserveTargetBps),
                minCoverageBps: uint16(_minCoverageBps)
            });
    }

    /// @inheritdoc ITrancheVault
    function state() external view returns (VaultState) {
        return _status.state;
    }

    /// @inheritdoc ITrancheVault
    function trancheCount() external view returns (uint256) {
        return _trancheCount;
    }

    /// @inheritdoc ITrancheVault
    function tranche(uint256 trancheId) external view returns (Tranche memory) {
        return _trancheAt(trancheId);
    }

    /// @inheritdoc ITrancheVault
    function claimableOf(uint256 trancheId, address account) external view returns (uint256) {
        Tranche storage t = _trancheAt(trancheId);
        Holder storage h = _holders[trancheId][account];
        uint256 balance = IERC20(t.note).balanceOf(account);
        return h.owed + NoteShareMath.accruedDown(balance, t.cashPerNote - h.cashPerNoteSettled);
    }

    /// @inheritdoc ITrancheVault
    function principalOf(uint256 trancheId, address account) external view returns (uint256) {
        Tranche storage t = _trancheAt(trancheId);
        uint256 supply = IERC20(t.note).totalSupply();
        if (supply == 0) return 0;
        return Math.mulDiv(IERC20(t.note).balanceOf(account), t.principal, supply);
    }

    /// @inheritdoc ITrancheVault
    function startTime() external view returns (uint256) {
        return _startTime;
    }

    /// @inheritdoc ITrancheVault
    function drawDeadline() external view returns (uint256) {
        return _startTime == 0 ? 0 : _startTime + _periodLength;
    }

    /// @inheritdoc ITrancheVault
    function pendingRecovery(address lost) external view returns (address replacement, uint256 executableAt) {
        Recovery memory r = _recoveries[lost];
        return (r.replacement, r.executableAt);
    }

    /// @inheritdoc ITrancheVault
    function lastDistributedPeriod() external view returns (uint256) {
        return _lastPeriod;
    }

    /// @inheritdoc ITrancheVault
    function periodEnd(uint256 period) external view returns (uint256) {
        return _startTime == 0 ? 0 : _startTime + period * _periodLength;
    }

    /// @inheritdoc ITrancheVault
    function periodRevenue(uint256 period, RevenueSource source) external view returns (uint256) {
        return _periods[period].revenueBySource[uint256(source)];
    }

    /// @inheritdoc ITrancheVault
    function periodReport(uint256 period) external view returns (PeriodReport memory) {
        StoredPeriodReport storage s = _periods[period].report;
        return
            PeriodReport({
                revenue: s.revenue,
                cashAvailable: s.cashAvailable,
                feeDue: s.feeDue,
                feePaid: s.feePaid,
                reserveDrawn: s.reserveDrawn,
                reserveToppedUp: s.reserveToppedUp,
                reserveReleased: s.reserveReleased,
                swept: s.swept,
                equityResidual: s.equityResidual,
                coverageBps: s.coverageBps,
                covenantBreached: s.covenantBreached
            });
    }

    /// @inheritdoc ITrancheVault
    function trancheReport(uint256 period, uint256 trancheId) external view returns (TrancheReport memory) {
        StoredTrancheReport storage s = _periods[period].tranches[trancheId];
        return
            TrancheReport({
                interestDue: s.interestDue,
                interestPaid: s.interestPaid,
                principalDue: s.principalDue,
                principalPaid: s.principalPaid,
                allotted: s.allotted
            });
    }

    /// @inheritdoc ITrancheVault
    function reserve() external view returns (uint256) {
        return _reserve;
    }

    /// @inheritdoc ITrancheVault
    function pendingRevenue() external view returns (uint256) {
        return _pendingRevenue;
    }

    /// @inheritdoc ITrancheVault
    function fees() external view returns (uint256 owed, uint256 arrears) {
        return (_fees.owed, _fees.arrears);
    }

    /// @inheritdoc ITrancheVault
    function covenantBreached() external view returns (bool) {
        return _status.covenantBreached;
    }

    /// @inheritdoc ITrancheVault
    function totals() external view returns (Totals memory) {
        return _totals;
    }

    // --- internal ---

    /// @dev Addresses set, a future deadline with at least one period, and basis points within their bounds.
    function _checkParams(VaultParams memory p) internal view {
        if (
            p.asset == address(0) ||
            p.registry == address(0) ||
            p.admin == address(0) ||
            p.projectWallet == address(0) ||
            p.feeRecipient == address(0)
        ) revert TrancheVaultZeroAddress();
        if (p.fundingDeadline <= block.timestamp || p.periodLength == 0 || p.periodCount == 0) {
            revert TrancheVaultInvalidSchedule(p.fundingDeadline, p.periodLength, p.periodCount);
        }
        if (p.reserveTargetBps > WaterfallMath.BPS) {
            revert TrancheVaultReserveTargetTooHigh(p.reserveTargetBps, WaterfallMath.BPS);
        }
        if (p.minCoverageBps > MAX_COVERAGE_BPS) {
            revert TrancheVaultMinCoverageTooHigh(p.minCoverageBps, MAX_COVERAGE_BPS);
        }
    }

    function _subscribe(uint256 trancheId, uint256 amount) internal {
        _requireState(VaultState.Funding);
        if (block.timestamp >= _fundingDeadline) revert TrancheVaultFundingDeadlinePassed(_fundingDeadline);
        Tranche storage t = _trancheAt(trancheId);
        uint256 total = t.raised + amount;
        if (total > t.targetSize) revert TrancheVaultOverSubscribed(trancheId, t.targetSize, total);
        if (amount == 0 || (amount < t.minSubscription && total != t.targetSize)) {
            revert TrancheVaultSubscriptionTooSmall(trancheId, t.minSubscription, amount);
        }
        t.raised = total;
        t.principal = total;
        _totals.paidIn += amount;
        // The note is this vault's own contract; its hook enforces the registry on the subscriber.
        ITrancheNote(t.note).mint(msg.sender, amount);
        emit Subscribed(trancheId, msg.sender, amount);
        _pull(msg.sender, amount);
    }

    /// @dev One period's waterfall. Every step takes from `cash` only what is left after the steps above it.
    function _runWaterfall(uint256 period) internal {
        bool last = period == _periodCount;
        PeriodReport memory r;
        TrancheReport[] memory tr = _assessDues(period, r);
        uint256 cash = _payFeeAndInterest(r, tr);
        cash = _adjustReserve(r, cash, last);
        cash = _payPrincipal(r, tr, cash);

        // With no debt principal or arrears outstanding, the reserve has no purpose left: it is released below.
        if (_reserve != 0 && _debtPrincipal() == 0 && _debtArrears() == 0) {
            r.reserveReleased += _reserve;
            cash += _reserve;
            _reserve = 0;
        }
        cash = _recoverWrittenDown(tr, cash);

        // 6. Allot each tranche's payment to its holders; rounding dust joins the residual tranche, whose own dust
        // waits in pending revenue for the next period.
        uint256 equity = _trancheCount - 1;
        r.equityResidual = cash;
        for (uint256 i; i < equity; ++i) {
            tr[i].allotted = tr[i].interestPaid + tr[i].principalPaid;
            cash += _allot(i, tr[i].allotted);
        }
        tr[equity].allotted = cash;
        _pendingRevenue = _allot(equity, cash);

        _recordCovenant(period, r);
        _bookReports(period, r, tr);
        emit WaterfallDistributed(period, r);
        // The term decides maturity: repaying or writing off all debt early does not cut equity off.
        if (last) {
            _status.state = VaultState.Matured;
            emit VaultMatured(period);
        }
    }

    /// @dev Stores a distributed period's reports for the views, packed, and emits each tranche's.
    function _bookReports(uint256 period, PeriodReport memory r, TrancheReport[] memory tr) internal {
        PeriodBook storage book = _periods[period];
        uint256 count = tr.length;
        book.report = StoredPeriodReport({
            revenue: r.revenue.toUint128(),
            cashAvailable: r.cashAvailable.toUint128(),
            feeDue: r.feeDue.toUint128(),
            feePaid: r.feePaid.toUint128(),
            reserveDrawn: r.reserveDrawn.toUint128(),
            reserveToppedUp: r.reserveToppedUp.toUint128(),
            reserveReleased: r.reserveReleased.toUint128(),
            swept: r.swept.toUint128(),
            equityResidual: r.equityResidual.toUint128(),
            covenantBreached: r.covenantBreached,
            coverageBps: r.coverageBps
        });
        for (uint256 i; i < count; ++i) {
            book.tranches[i] = StoredTrancheReport({
                interestDue: tr[i].interestDue.toUint128(),
                interestPaid: tr[i].interestPaid.toUint128(),
                principalDue: tr[i].principalDue.toUint128(),
                principalPaid: tr[i].principalPaid.toUint128(),
                allotted: tr[i].allotted.toUint128()
            });
            emit TrancheServiced(period, i, tr[i], _tranches[i].cashPerNote);
        }
    }

    /// @dev What is due this period, and the coverage covenant: period revenue over all debt service due.
    function _assessDues(uint256 period, PeriodReport memory r) internal view returns (TrancheReport[] memory tr) {
        tr = new TrancheReport[](_trancheCount);
        uint256[4] storage bySource = _periods[period].revenueBySource;
        for (uint256 i; i < 4; ++i) r.revenue += bySource[i];
        r.cashAvailable = _pendingRevenue;
        r.feeDue = _fees.arrears + _servicingFee;
        uint256 debtService = r.feeDue;
        for (uint256 i; i + 1 < _trancheCount; ++i) {
            Tranche storage t = _tranches[i];
            tr[i].interestDue = t.interestArrears + WaterfallMath.couponDown(t.principal, t.couponBps, _periodLength);
            tr[i].principalDue = WaterfallMath.principalDue(
                t.principal,
                t.principalRepaid,
                t.amortizationPerPeriod,
                period,
                _periodCount
            );
            debtService += tr[i].interestDue + tr[i].principalDue;
        }
        r.coverageBps = WaterfallMath.coverageBps(r.revenue, debtService);
        r.covenantBreached = r.coverageBps < _minCoverageBps;
    }

    /// @dev Steps 1-2: the servicing fee, then interest by seniority. The reserve covers what revenue cannot, in the
    /// same order; what neither covers becomes arrears. Returns the cash left.
    function _payFeeAndInterest(PeriodReport memory r, TrancheReport[] memory tr) internal returns (uint256 cash) {
        uint256 reserveBalance = _reserve;
        uint256 fromReserve;
        (r.feePaid, cash) = WaterfallMath.payUpTo(r.cashAvailable, r.feeDue);
        (fromReserve, reserveBalance) = WaterfallMath.payUpTo(reserveBalance, r.feeDue - r.feePaid);
        r.feePaid += fromReserve;
        r.reserveDrawn = fromReserve;
        _fees.arrears = r.feeDue - r.feePaid;
        _fees.owed += r.feePaid;
        for (uint256 i; i + 1 < _trancheCount; ++i) {
            uint256 fromCash;
            (fromCash, cash) = WaterfallMath.payUpTo(cash, tr[i].interestDue);
            (fromReserve, reserveBalance) = WaterfallMath.payUpTo(reserveBalance, tr[i].interestDue - fromCash);
            r.reserveDrawn += fromReserve;
            tr[i].interestPaid = fromCash + fromReserve;
            _tranches[i].interestArrears = tr[i].interestDue - tr[i].interestPaid;
        }
        _reserve = reserveBalance;
    }

    /// @dev Step 3: the reserve to its target (a share of debt principal; zero at maturity), releasing any excess.
    function _adjustReserve(PeriodReport memory r, uint256 cash, bool last) internal returns (uint256) {
        uint256 reserveBalance = _reserve;
        uint256 target = last ? 0 : Math.mulDiv(_debtPrincipal(), _reserveTargetBps, WaterfallMath.BPS);
        if (reserveBalance < target) {
            (r.reserveToppedUp, cash) = WaterfallMath.payUpTo(cash, target - reserveBalance);
            _reserve = reserveBalance + r.reserveToppedUp;
        } else {
            r.reserveReleased = reserveBalance - target;
            _reserve = target;
            cash += r.reserveReleased;
        }
        return cash;
    }

    /// @dev Steps 4-5: scheduled principal by seniority, then, while the covenant is breached, the sweep of what
    /// equity would get into debt principal, senior first. Returns the cash left for equity.
    function _payPrincipal(PeriodReport memory r, TrancheReport[] memory tr, uint256 cash) internal returns (uint256) {
        for (uint256 i; i + 1 < _trancheCount; ++i) {
            (tr[i].principalPaid, cash) = WaterfallMath.payUpTo(cash, tr[i].principalDue);
            _repay(_tranches[i], tr[i].principalPaid);
        }
        if (!r.covenantBreached) return cash;
        for (uint256 i; i + 1 < _trancheCount && cash > 0; ++i) {
            uint256 swept;
            (swept, cash) = WaterfallMath.payUpTo(cash, _tranches[i].principal);
            _repay(_tranches[i], swept);
            tr[i].principalPaid += swept;
            r.swept += swept;
        }
        return cash;
    }

    /// @dev Step 5b: before equity receives anything, cash makes good debt principal that was written off, senior
    /// first. A write-down is a loss, not a repayment; what is recovered counts as principal repaid.
    function _recoverWrittenDown(TrancheReport[] memory tr, uint256 cash) internal returns (uint256) {
        if (!_status.debtWrittenOff || cash == 0) return cash;
        bool outstanding;
        for (uint256 i; i + 1 < _trancheCount; ++i) {
            Tranche storage t = _tranches[i];
            uint256 lost = t.writtenDown;
            if (lost == 0) continue;
            uint256 recovered;
            (recovered, cash) = WaterfallMath.payUpTo(cash, lost);
            t.writtenDown = lost - recovered;
            t.principalRepaid += recovered;
            tr[i].principalPaid += recovered;
            if (lost != recovered) outstanding = true;
        }
        if (!outstanding) _status.debtWrittenOff = false;
        return cash;
    }

    function _recordCovenant(uint256 period, PeriodReport memory r) internal {
        if (r.covenantBreached && !_status.covenantBreached) {
            _status.covenantBreached = true;
            emit CovenantBreached(period, r.coverageBps);
        } else if (!r.covenantBreached && _status.covenantBreached) {
            _status.covenantBreached = false;
            emit CovenantCured(period, r.coverageBps);
        }
    }

    function _repay(Tranche storage t, uint256 amount) internal {
        t.principal -= amount;
        t.principalRepaid += amount;
    }

    /// @dev Raises the tranche's accumulator by `amount` over its notes; returns the rounding dust not allotted.
    function _allot(uint256 trancheId, uint256 amount) internal returns (uint256 dust) {
        if (amount == 0) return 0;
        Tranche storage t = _tranches[trancheId];
        uint256 supply = IERC20(t.note).totalSupply();
        uint256 perNote = NoteShareMath.perNoteDown(amount, supply);
        uint256 consumed = NoteShareMath.consumedUp(perNote, supply);
        t.cashPerNote += perNote;
        t.distributed += consumed;
        return amount - consumed;
    }

    /// @dev Moves the accumulator growth since the holder's last settlement into what they are owed.
    function _settle(uint256 trancheId, Tranche storage t, address account) internal {
        Holder storage h = _holders[trancheId][account];
        uint256 current = t.cashPerNote;
        uint256 settled = h.cashPerNoteSettled;
        if (settled == current) return;
        uint256 balance = IERC20(t.note).balanceOf(account);
        h.owed += NoteShareMath.accruedDown(balance, current - settled);
        h.cashPerNoteSettled = current;
    }

    function _takeOwed(uint256 trancheId, Tranche storage t, address account) internal returns (uint256 amount) {
        _settle(trancheId, t, account);
        Holder storage h = _holders[trancheId][account];
        amount = h.owed;
        h.owed = 0;
        t.claimed += amount;
        _totals.claimed += amount;
    }

    /// @dev Frozen holders cannot take payouts; a third-party receiver must be verified.
    function _checkPayout(address receiver) internal view {
        if (_registry.investor(msg.sender).frozen) revert TrancheVaultAccountFrozen(msg.sender);
        if (receiver != msg.sender) _requireVerified(receiver);
    }

    /// @dev A recovery goes from a wallet to a different, verified wallet of the same (non-zero) investor identity.
    function _checkRecovery(address lost, address replacement) internal view {
        if (lost == replacement || lost == address(0)) revert TrancheVaultInvalidRecovery(lost, replacement);
        _requireVerified(replacement);
        bytes32 lostIdentity = _registry.identityOf(lost);
        bytes32 replacementIdentity = _registry.identityOf(replacement);
        if (lostIdentity == bytes32(0) || lostIdentity != replacementIdentity) {
            revert TrancheVaultRecoveryIdentityMismatch(lost, replacement, lostIdentity, replacementIdentity);
        }
    }

    function _requireVerified(address account) internal view {
        IInvestorRegistry.Investor memory entry = _registry.investor(account);
        if (entry.frozen) revert TrancheVaultAccountFrozen(account);
        if (entry.expiry <= block.timestamp) revert TrancheVaultInvestorNotVerified(account);
    }

    function _requireState(VaultState expected) internal view {
        if (_status.state != expected) revert TrancheVaultUnexpectedState(_status.state);
    }

    function _trancheAt(uint256 trancheId) internal view returns (Tranche storage) {
        if (trancheId >= _trancheCount) revert TrancheVaultUnknownTranche(trancheId);
        return _tranches[trancheId];
    }

    function _debtPrincipal() internal view returns (uint256 total) {
        for (uint256 i; i + 1 < _trancheCount; ++i) total += _tranches[i].principal;
    }

    function _debtArrears() internal view returns (uint256 total) {
        for (uint256 i; i + 1 < _trancheCount; ++i) total += _tranches[i].interestArrears;
    }

    /// @dev Pulls `amount` and checks that exactly `amount` arrived, rejecting fee-on-transfer tokens.
    function _pull(address from, uint256 amount) internal {
        uint256 before = _asset.balanceOf(address(this));
        _asset.safeTransferFrom(from, address(this), amount);
        uint256 received = _asset.balanceOf(address(this)) - before;
        if (received != amount) revert TrancheVaultTransferFeeDetected(amount, received);
    }
}
