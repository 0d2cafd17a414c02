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

    /// @dev The vault's flags, last distributed period and all revenue ever received, in one slot: a receipt of
    /// revenue checks the state and adds to the total with one read and one write. `debtWrittenOff` says whether
    /// some debt principal is written off and not yet recovered (so the recovery step reads the tranches only then).
    struct Status {
        VaultState state;
        bool drawn;
        bool covenantBreached;
        bool debtWrittenOff;
        uint32 lastPeriod;
        uint192 revenue;
    }

    /// @dev The funding close, and the revenue booked to distributed periods: the open period's revenue is the
    /// difference from the total, so a receipt writes nothing here.
    struct Book {
        uint64 startTime;
        uint192 revenueDistributed;
    }

    /// @dev The reserve, and the rounding dust carried to the next distribution. Amounts are kept in 128 bits (2^128
    /// base units is far beyond any stablecoin's supply; SafeCast reverts rather than truncate).
    struct Reserve {
        uint128 balance;
        uint128 carried;
    }

    struct Fees {
        uint128 owed;
        uint128 arrears;
    }

    /// @dev {Totals} that only reconciliation reads, two to a slot; `revenue` is in {Status}, `drawn` is derived (the
    /// whole raise, once drawn).
    struct Flows {
        uint128 paidIn;
        uint128 refunded;
        uint128 claimed;
        uint128 feesPaid;
    }

    /// @dev A {Tranche} as stored: what is read together shares a slot (the distribution reads the last two slots).
    /// Every amount is bounded by the tranche's size, at most 2^96 - 1.
    struct StoredTranche {
        uint128 targetSize;
        uint128 minSubscription;
        uint128 raised;
        uint128 writtenDown;
        uint128 principal;
        uint128 principalRepaid;
        uint128 interestArrears;
        uint112 amortizationPerPeriod;
        uint16 couponBps;
    }

    struct Recovery {
        address replacement;
        uint64 executableAt;
    }

    address private immutable _note0;
    address private immutable _note1;
    address private immutable _note2;
    address private immutable _note3;
    address private immutable _note4;

    StoredTranche[] private _tranches;
    Status private _status;
    Book private _book;
    Reserve private _reserve;
    Fees private _fees;
    Flows private _flows;
    address private _feeRecipient;
    mapping(address lost => Recovery) private _recoveries;

    constructor(VaultParams memory p, TrancheParams[] memory tranches) {
        _checkParams(p);
        uint256 count = tranches.length;
        if (count == 0 || count > MAX_TRANCHES) revert TrancheVaultInvalidTrancheCount(count);

        _asset = IERC20(p.asset);
        _registry = IInvestorRegistry(p.registry);
        _projectWallet = p.projectWallet;
        _feeRecipient = p.feeRecipient;
        _fundingDeadline = p.fundingDeadline;
        _periodLength = p.periodLength;
        _periodCount = p.periodCount;
        _servicingFee = p.servicingFeePerPeriod;
        _reserveTargetBps = p.reserveTargetBps;
        _minCoverageBps = p.minCoverageBps;
        _trancheCount = count;

        uint8 decimals = IERC20Metadata(p.asset).decimals();
        address[MAX_TRANCHES] memory notes;
        for (uint256 i; i < count; ++i) {
            TrancheParams memory t = tranches[i];
            bool residual = i == count - 1;
            if (
                t.targetSize == 0 ||
                t.targetSize > type(uint96).max ||
                t.minSubscription > t.targetSize ||
                t.amortizationPerPeriod > type(uint112).max ||
                (residual && (t.couponBps != 0 || t.amortizationPerPeriod != 0))
            ) revert TrancheVaultInvalidTranche(i);
            notes[i] = address(new TrancheNote(t.name, t.symbol, decimals, i, _registry));
            StoredTranche storage s = _tranches.push();
            s.targetSize = uint128(t.targetSize);
            s.minSubscription = uint128(t.minSubscription);
            s.couponBps = t.couponBps;
            s.amortizationPerPeriod = uint112(t.amortizationPerPeriod);
        }
        (_note0, _note1, _note2, _note3, _note4) = (notes[0], notes[1], notes[2], notes[3], notes[4]);

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
            StoredTranche storage t = _tranches[i];
            raised += t.raised;
            if (t.raised < t.targetSize) full = false;
        }
        if (full) {
            _status.state = VaultState.Active;
            _book.startTime = uint64(block.timestamp);
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
        ITrancheNote note = ITrancheNote(_noteAt(trancheId));
        _checkPayout(receiver);
        // Nothing was drawn, so each note's face value is still held.
        (uint256 notes, uint256 owed) = note.cancel(msg.sender);
        amount = notes + owed;
        if (amount == 0) revert TrancheVaultNothingToClaim(trancheId, msg.sender);
        _flows.refunded += notes.toUint128();
        _flows.claimed += owed.toUint128();
        emit Refunded(trancheId, msg.sender, receiver, notes, amount);
        _asset.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ITrancheVault
    function drawdown() external onlyRole(OPERATOR_ROLE) nonReentrant {
        _requireState(VaultState.Active);
        if (_status.drawn) revert TrancheVaultAlreadyDrawn();
        uint256 deadline = _book.startTime + _periodLength;
        if (block.timestamp >= deadline) revert TrancheVaultDrawDeadlinePassed(deadline);
        _status.drawn = true;
        uint256 amount = _flows.paidIn;
        emit Drawn(_projectWallet, amount);
        _asset.safeTransfer(_projectWallet, amount);
    }

    /// @inheritdoc ITrancheVault
    function unwind() external {
        _requireState(VaultState.Active);
        if (_status.drawn) revert TrancheVaultAlreadyDrawn();
        uint256 deadline = _book.startTime + _periodLength;
        if (block.timestamp < deadline) revert TrancheVaultDrawDeadlineNotReached(deadline);
        _status.state = VaultState.Failed;
        // No period was distributed (that needs the drawdown), so the raise is whole and no fee or interest accrued;
        // revenue that already arrived is the residual tranche's, as it would have been after debt service.
        uint256 revenue = _pendingRevenue();
        (uint256 dust, ) = _allot(_trancheCount - 1, revenue);
        _reserve.carried = dust.toUint128();
        _book.revenueDistributed = _status.revenue;
        emit RaiseUnwound(deadline, _flows.paidIn, revenue);
    }

    // --- servicing ---

    /// @inheritdoc IRevenueIntake
    function receiveRevenue(RevenueSource source, uint256 amount) external nonReentrant {
        _requireState(VaultState.Active);
        if (amount == 0) revert TrancheVaultZeroAmount();
        _status.revenue += amount.toUint192();
        _pull(msg.sender, amount);
        emit RevenueReceived(source, msg.sender, amount);
    }

    /// @inheritdoc ITrancheVault
    function distribute(uint256 period) external {
        Status memory status = _status;
        if (status.state != VaultState.Active) revert TrancheVaultUnexpectedState(status.state);
        uint256 expected = uint256(status.lastPeriod) + 1;
        if (period < expected) revert TrancheVaultPeriodAlreadyDistributed(period);
        if (period > expected) revert TrancheVaultPeriodOutOfOrder(expected, period);
        if (!status.drawn) revert TrancheVaultNotDrawn();
        uint256 endsAt = _book.startTime + period * _periodLength;
        if (block.timestamp < endsAt) revert TrancheVaultPeriodNotEnded(period, endsAt);
        // period <= periodCount < 2^32: the vault is Matured after the last one.
        _status.lastPeriod = uint32(period);
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
            StoredTranche storage t = _tranches[i - 1];
            // cut <= principal <= raised < 2^96.
            t.principal -= uint128(cut);
            t.writtenDown += uint128(cut);
            if (i < count) _status.debtWrittenOff = true;
            emit PrincipalWrittenDown(i - 1, cut, t.principal);
        }
    }

    /// @inheritdoc ITrancheVault
    function claim(uint256 trancheId, address receiver) external nonReentrant returns (uint256 amount) {
        ITrancheNote note = ITrancheNote(_noteAt(trancheId));
        _checkPayout(receiver);
        amount = note.take(msg.sender);
        if (amount == 0) revert TrancheVaultNothingToClaim(trancheId, msg.sender);
        _flows.claimed += amount.toUint128();
        emit Claimed(trancheId, msg.sender, receiver, amount);
        _asset.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ITrancheVault
    function redeem(uint256 trancheId, address receiver) external nonReentrant returns (uint256 amount) {
        _requireState(VaultState.Matured);
        ITrancheNote note = ITrancheNote(_noteAt(trancheId));
        _checkPayout(receiver);
        uint256 notes;
        (notes, amount) = note.cancel(msg.sender);
        if (notes == 0 && amount == 0) revert TrancheVaultNothingToClaim(trancheId, msg.sender);
        _flows.claimed += amount.toUint128();
        emit Redeemed(trancheId, msg.sender, receiver, notes, amount);
        if (amount != 0) _asset.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ITrancheVault
    function payFees() external nonReentrant {
        uint256 amount = _fees.owed;
        if (amount == 0) revert TrancheVaultZeroAmount();
        _fees.owed = 0;
        _flows.feesPaid += uint128(amount);
        emit FeesPaid(_feeRecipient, amount);
        _asset.safeTransfer(_feeRecipient, amount);
    }

    /// @inheritdoc ITrancheVault
    function setFeeRecipient(address recipient) external onlyRole(OPERATOR_ROLE) {
        if (recipient == address(0)) revert TrancheVaultZeroAddress();
        emit FeeRecipientSet(_feeRecipient, recipient);
        _feeRecipient = recipient;
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
        for (uint256 i; i < _trancheCount; ++i) {
            (uint256 notes, uint256 owed) = ITrancheNote(_noteAt(i)).recover(lost, replacement);
            if (notes != 0 || owed != 0) emit NotesRecovered(i, lost, replacement, notes, owed);
        }
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
                feeRecipient: _feeRecipient,
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
        address note = _noteAt(trancheId);
        StoredTranche storage t = _tranches[trancheId];
        return
            Tranche({
                note: note,
                targetSize: t.targetSize,
                minSubscription: t.minSubscription,
                couponBps: t.couponBps,
                amortizationPerPeriod: t.amortizationPerPeriod,
                raised: t.raised,
                principal: t.principal,
                principalRepaid: t.principalRepaid,
                interestArrears: t.interestArrears,
                writtenDown: t.writtenDown,
                cashPerNote: ITrancheNote(note).cashPerNote()
            });
    }

    /// @inheritdoc ITrancheVault
    function claimableOf(uint256 trancheId, address account) external view returns (uint256) {
        return ITrancheNote(_noteAt(trancheId)).owedOf(account);
    }

    /// @inheritdoc ITrancheVault
    function principalOf(uint256 trancheId, address account) external view returns (uint256) {
        IERC20 note = IERC20(_noteAt(trancheId));
        uint256 supply = note.totalSupply();
        if (supply == 0) return 0;
        return Math.mulDiv(note.balanceOf(account), _tranches[trancheId].principal, supply);
    }

    /// @inheritdoc ITrancheVault
    function startTime() external view returns (uint256) {
        return _book.startTime;
    }

    /// @inheritdoc ITrancheVault
    function drawDeadline() external view returns (uint256) {
        uint256 start = _book.startTime;
        return start == 0 ? 0 : start + _periodLength;
    }

    /// @inheritdoc ITrancheVault
    function pendingRecovery(address lost) external view returns (address replacement, uint256 executableAt) {
        Recovery memory r = _recoveries[lost];
        return (r.replacement, r.executableAt);
    }

    /// @inheritdoc ITrancheVault
    function lastDistributedPeriod() external view returns (uint256) {
        return _status.lastPeriod;
    }

    /// @inheritdoc ITrancheVault
    function periodEnd(uint256 period) external view returns (uint256) {
        uint256 start = _book.startTime;
        return start == 0 ? 0 : start + period * _periodLength;
    }

    /// @inheritdoc ITrancheVault
    function openPeriodRevenue() external view returns (uint256) {
        return _status.revenue - _book.revenueDistributed;
    }

    /// @inheritdoc ITrancheVault
    function reserve() external view returns (uint256) {
        return _reserve.balance;
    }

    /// @inheritdoc ITrancheVault
    function pendingRevenue() external view returns (uint256) {
        return _pendingRevenue();
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
        Flows memory f = _flows;
        uint256 paidIn = _flows.paidIn;
        return
            Totals({
                paidIn: paidIn,
                revenue: _status.revenue,
                drawn: _status.drawn ? paidIn : 0,
                refunded: f.refunded,
                claimed: f.claimed,
                feesPaid: f.feesPaid
            });
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
        address note = _noteAt(trancheId);
        StoredTranche storage t = _tranches[trancheId];
        uint256 total = t.raised + amount;
        if (total > t.targetSize) revert TrancheVaultOverSubscribed(trancheId, t.targetSize, total);
        if (amount == 0 || (amount < t.minSubscription && total != t.targetSize)) {
            revert TrancheVaultSubscriptionTooSmall(trancheId, t.minSubscription, amount);
        }
        // total <= targetSize < 2^96.
        t.raised = uint128(total);
        t.principal = uint128(total);
        _flows.paidIn += uint128(amount);
        // The note is this vault's own contract; it enforces the registry on the subscriber.
        ITrancheNote(note).mint(msg.sender, amount);
        emit Subscribed(trancheId, msg.sender, amount);
        _pull(msg.sender, amount);
    }

    /// @dev One period's waterfall. Every step takes from `cash` only what is left after the steps above it. Its
    /// reports go to events only: nothing on chain decides from them.
    function _runWaterfall(uint256 period) internal {
        bool last = period == _periodCount;
        PeriodReport memory r;
        TrancheReport[] memory tr = _assessDues(period, r);
        uint256 cash = _payFeeAndInterest(r, tr);
        cash = _adjustReserve(r, cash, last);
        cash = _payPrincipal(r, tr, cash);

        // With no debt principal or arrears outstanding, the reserve has no purpose left: it is released below.
        uint256 reserveBalance = _reserve.balance;
        if (reserveBalance != 0 && _debtPrincipal() == 0 && _debtArrears() == 0) {
            r.reserveReleased += reserveBalance;
            cash += reserveBalance;
            _reserve.balance = 0;
        }
        cash = _recoverWrittenDown(tr, cash);

        // 6. Allot each tranche's payment to its holders; rounding dust joins the residual tranche, whose own dust
        // waits in pending revenue for the next period.
        uint256 equity = _trancheCount - 1;
        uint256[] memory perNote = new uint256[](equity + 1);
        r.equityResidual = cash;
        for (uint256 i; i < equity; ++i) {
            tr[i].allotted = tr[i].interestPaid + tr[i].principalPaid;
            uint256 dust;
            (dust, perNote[i]) = _allot(i, tr[i].allotted);
            cash += dust;
        }
        tr[equity].allotted = cash;
        (uint256 left, uint256 equityPerNote) = _allot(equity, cash);
        perNote[equity] = equityPerNote;
        _reserve.carried = left.toUint128();
        _book.revenueDistributed = _status.revenue;

        _recordCovenant(period, r);
        for (uint256 i; i <= equity; ++i) emit TrancheServiced(period, i, tr[i], perNote[i]);
        emit WaterfallDistributed(period, r);
        // The term decides maturity: repaying or writing off all debt early does not cut equity off.
        if (last) {
            _status.state = VaultState.Matured;
            emit VaultMatured(period);
        }
    }

    /// @dev What is due this period, and the coverage covenant: period revenue over all debt service due.
    function _assessDues(uint256 period, PeriodReport memory r) internal view returns (TrancheReport[] memory tr) {
        tr = new TrancheReport[](_trancheCount);
        r.revenue = _status.revenue - _book.revenueDistributed;
        r.cashAvailable = _reserve.carried + r.revenue;
        r.feeDue = _fees.arrears + _servicingFee;
        uint256 debtService = r.feeDue;
        for (uint256 i; i + 1 < _trancheCount; ++i) {
            StoredTranche storage t = _tranches[i];
            uint256 principal = t.principal;
            tr[i].interestDue = t.interestArrears + WaterfallMath.couponDown(principal, t.couponBps, _periodLength);
            tr[i].principalDue = WaterfallMath.principalDue(
                principal,
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
        uint256 reserveBalance = _reserve.balance;
        uint256 fromReserve;
        (r.feePaid, cash) = WaterfallMath.payUpTo(r.cashAvailable, r.feeDue);
        (fromReserve, reserveBalance) = WaterfallMath.payUpTo(reserveBalance, r.feeDue - r.feePaid);
        r.feePaid += fromReserve;
        r.reserveDrawn = fromReserve;
        _fees.arrears = (r.feeDue - r.feePaid).toUint128();
        _fees.owed += r.feePaid.toUint128();
        for (uint256 i; i + 1 < _trancheCount; ++i) {
            uint256 fromCash;
            (fromCash, cash) = WaterfallMath.payUpTo(cash, tr[i].interestDue);
            (fromReserve, reserveBalance) = WaterfallMath.payUpTo(reserveBalance, tr[i].interestDue - fromCash);
            r.reserveDrawn += fromReserve;
            tr[i].interestPaid = fromCash + fromReserve;
            _tranches[i].interestArrears = (tr[i].interestDue - tr[i].interestPaid).toUint128();
        }
        _reserve.balance = uint128(reserveBalance);
    }

    /// @dev Step 3: the reserve to its target (a share of debt principal; zero at maturity), releasing any excess.
    function _adjustReserve(PeriodReport memory r, uint256 cash, bool last) internal returns (uint256) {
        uint256 reserveBalance = _reserve.balance;
        uint256 target = last ? 0 : Math.mulDiv(_debtPrincipal(), _reserveTargetBps, WaterfallMath.BPS);
        if (reserveBalance < target) {
            (r.reserveToppedUp, cash) = WaterfallMath.payUpTo(cash, target - reserveBalance);
            // The target is at most the debt principal, below 2^128.
            _reserve.balance = uint128(reserveBalance + r.reserveToppedUp);
        } else {
            r.reserveReleased = reserveBalance - target;
            _reserve.balance = uint128(target);
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
            StoredTranche storage t = _tranches[i];
            uint256 lost = t.writtenDown;
            if (lost == 0) continue;
            uint256 recovered;
            (recovered, cash) = WaterfallMath.payUpTo(cash, lost);
            // recovered <= lost < 2^96.
            t.writtenDown = uint128(lost - recovered);
            t.principalRepaid += uint128(recovered);
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

    /// @dev Moves `amount` (at most the principal outstanding, below 2^96) from outstanding to repaid.
    function _repay(StoredTranche storage t, uint256 amount) internal {
        if (amount == 0) return;
        t.principal -= uint128(amount);
        t.principalRepaid += uint128(amount);
    }

    /// @dev Raises the tranche's accumulator by `amount` over its notes; returns the rounding dust not allotted and
    /// the accumulator after.
    function _allot(uint256 trancheId, uint256 amount) internal returns (uint256 dust, uint256 perNote) {
        ITrancheNote note = ITrancheNote(_noteAt(trancheId));
        if (amount == 0) return (0, note.cashPerNote());
        uint256 consumed;
        (consumed, perNote) = note.allot(amount);
        dust = amount - consumed;
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

    /// @dev Revenue not yet allotted: the open period's, plus the dust carried from the last allotment.
    function _pendingRevenue() internal view returns (uint256) {
        return _reserve.carried + _status.revenue - _book.revenueDistributed;
    }

    /// @dev The note of a known tranche; the notes are immutables, so finding one reads no storage.
    function _noteAt(uint256 trancheId) internal view returns (address) {
        if (trancheId >= _trancheCount) revert TrancheVaultUnknownTranche(trancheId);
        if (trancheId == 0) return _note0;
        if (trancheId == 1) return _note1;
        if (trancheId == 2) return _note2;
        if (trancheId == 3) return _note3;
        return _note4;
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
