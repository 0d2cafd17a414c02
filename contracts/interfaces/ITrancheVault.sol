// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRevenueIntake} from "./IRevenueIntake.sol";

/// @title Tranche vault
/// @notice Finances one project (a solar-plus-battery site, a micro data center) with 1 to 5 tranches of notes
/// bought with a stablecoin, and pays them back from the project's revenue in waterfall order, once per period:
/// servicing fee and debt interest (senior first, arrears included, the reserve covering shortfalls), reserve top-up,
/// scheduled debt principal (senior first), then the equity residual - swept to debt principal while the coverage
/// covenant is breached. Holders claim their share themselves; distribution costs the same for any number of holders.
/// @dev Tranche 0 is the most senior; the last tranche is the residual (equity) tranche with no coupon or schedule.
/// Periods are `periodLength` seconds long and counted from the funding close; period `p` (1-based) ends at
/// `startTime + p * periodLength`. Revenue is booked to the open period, i.e. the next one to be distributed.
///
/// Lifecycle. Funding: verified investors subscribe until every target is met or `fundingDeadline` passes; anyone
/// then closes funding (Active) or fails it (Failed). Drawdown: the operator must draw the raise to the project
/// wallet before the draw deadline, the end of period 1; no period is distributed before the raise is drawn, and
/// once the deadline passes undrawn (the operator is absent, or the wallet cannot receive) anyone can `unwind` the
/// vault to Failed. Failed: every note is refunded at face value (what it cost), and revenue received before the
/// unwind is allotted to the residual tranche. Maturity: the vault matures when period `periodCount` is distributed,
/// never earlier (repaying or writing off all debt early does not end it: equity keeps its residual for the whole
/// term); unpaid fee and interest arrears at maturity stay on record as a shortfall. Principal is "repaid" when
/// `principalRepaid` reaches `raised`; a write-down is a loss, not a repayment, and later cash makes written-off debt
/// principal good, senior first, before equity receives anything.
interface ITrancheVault is IRevenueIntake {
    /// @notice Where the vault is in its life.
    enum VaultState {
        Funding, // investors subscribe
        Failed, // funding missed a target by the deadline, or the raise was not drawn in time; holders are refunded
        Active, // funded: drawdown, revenue and distributions
        Matured // period `periodCount` was distributed; holders redeem
    }

    /// @notice The vault's fixed parameters.
    /// @param asset The stablecoin (a standard ERC-20 without transfer fees).
    /// @param fundingDeadline Subscriptions close at this time (unix seconds).
    /// @param periodCount The number of periods until maturity.
    /// @param registry The investor registry gating every note movement.
    /// @param periodLength The length of a period, in seconds.
    /// @param reserveTargetBps The reserve target as a share of outstanding debt principal (at most 10,000).
    /// @param minCoverageBps The coverage covenant: period revenue over debt service, in basis points (at most
    /// `MAX_COVERAGE_BPS`, 4.00x).
    /// @param admin Receives the admin, operator, agent and loss-assessor roles.
    /// @param projectWallet Receives the raised funds at drawdown.
    /// @param feeRecipient Receives the servicing fee.
    /// @param servicingFeePerPeriod The servicing fee due each period, in stablecoin units.
    struct VaultParams {
        address asset;
        uint64 fundingDeadline;
        uint32 periodCount;
        address registry;
        uint64 periodLength;
        uint16 reserveTargetBps;
        uint16 minCoverageBps;
        address admin;
        address projectWallet;
        address feeRecipient;
        uint256 servicingFeePerPeriod;
    }

    /// @notice How to issue one tranche.
    /// @param name The note's ERC-20 name.
    /// @param symbol The note's ERC-20 symbol.
    /// @param targetSize The amount to raise, in stablecoin units.
    /// @param minSubscription The smallest subscription (a smaller one is accepted only if it fills the target).
    /// @param couponBps The fixed coupon, APR in basis points (0 for the residual tranche).
    /// @param amortizationPerPeriod Principal due each period; 0 means bullet at maturity (0 for the residual).
    struct TrancheParams {
        string name;
        string symbol;
        uint256 targetSize;
        uint256 minSubscription;
        uint16 couponBps;
        uint256 amortizationPerPeriod;
    }

    /// @notice A tranche's live state.
    /// @param note The tranche's note token.
    /// @param targetSize The amount to raise.
    /// @param minSubscription The smallest subscription.
    /// @param couponBps The coupon, APR in basis points.
    /// @param amortizationPerPeriod The scheduled principal per period (0 = bullet).
    /// @param raised The amount subscribed.
    /// @param principal The principal outstanding (after repayments and write-downs).
    /// @param principalRepaid The principal repaid so far (including recoveries of written-off principal); the
    /// tranche is repaid in full when this reaches `raised`.
    /// @param interestArrears Interest due but unpaid, carried to the next period.
    /// @param writtenDown The principal written off and not yet recovered (`raised = principal + principalRepaid +
    /// writtenDown`).
    /// @param cashPerNote The accumulator: stablecoin allotted per note since issue, scaled by 1e18 (kept by the
    /// note). What holders were allotted and took out in total is in the `TrancheServiced` and payout events.
    struct Tranche {
        address note;
        uint256 targetSize;
        uint256 minSubscription;
        uint256 couponBps;
        uint256 amortizationPerPeriod;
        uint256 raised;
        uint256 principal;
        uint256 principalRepaid;
        uint256 interestArrears;
        uint256 writtenDown;
        uint256 cashPerNote;
    }

    /// @notice What the waterfall did for one tranche in one period.
    /// @param interestDue The coupon plus arrears due.
    /// @param interestPaid The interest paid (from revenue or the reserve).
    /// @param principalDue The scheduled principal due.
    /// @param principalPaid The principal paid, including any covenant sweep and recovery of written-off principal.
    /// @param allotted What the tranche's holders were allotted (includes rounding dust for the residual tranche).
    struct TrancheReport {
        uint256 interestDue;
        uint256 interestPaid;
        uint256 principalDue;
        uint256 principalPaid;
        uint256 allotted;
    }

    /// @notice What the waterfall did in one period, in step order.
    /// @param revenue The revenue booked to the period.
    /// @param cashAvailable The cash the waterfall started with (revenue plus carried dust).
    /// @param feeDue The servicing fee plus fee arrears.
    /// @param feePaid The servicing fee paid.
    /// @param reserveDrawn What the reserve paid towards fee and interest shortfalls.
    /// @param reserveToppedUp What revenue added to the reserve.
    /// @param reserveReleased What the reserve released above its target (to principal and equity).
    /// @param swept The residual swept to debt principal because the covenant was breached.
    /// @param equityResidual What the residual tranche received, before rounding dust.
    /// @param coverageBps Revenue over debt service due, in basis points.
    /// @param covenantBreached Whether coverage was below the covenant.
    struct PeriodReport {
        uint256 revenue;
        uint256 cashAvailable;
        uint256 feeDue;
        uint256 feePaid;
        uint256 reserveDrawn;
        uint256 reserveToppedUp;
        uint256 reserveReleased;
        uint256 swept;
        uint256 equityResidual;
        uint256 coverageBps;
        bool covenantBreached;
    }

    /// @notice The money that ever moved through the vault, for reconciliation.
    /// @param paidIn Subscriptions received.
    /// @param revenue Revenue received.
    /// @param drawn Raised funds sent to the project.
    /// @param refunded Subscriptions returned (face value of notes refunded) after a failed funding or an unwind.
    /// @param claimed Payouts to holders (claims and redemptions).
    /// @param feesPaid Servicing fees sent to the fee recipient.
    struct Totals {
        uint256 paidIn;
        uint256 revenue;
        uint256 drawn;
        uint256 refunded;
        uint256 claimed;
        uint256 feesPaid;
    }

    // --- errors ---

    /// @notice A vault has 1 to 5 tranches.
    /// @param count The number given.
    error TrancheVaultInvalidTrancheCount(uint256 count);

    /// @notice A tranche's parameters are inconsistent (zero target, minimum above target, or a coupon or schedule
    /// on the residual tranche).
    /// @param trancheId The tranche.
    error TrancheVaultInvalidTranche(uint256 trancheId);

    /// @notice A required address is zero.
    error TrancheVaultZeroAddress();

    /// @notice The reserve target cannot exceed the whole debt principal.
    /// @param bps The target given.
    /// @param max The largest target allowed (10,000).
    error TrancheVaultReserveTargetTooHigh(uint256 bps, uint256 max);

    /// @notice The coverage covenant cannot exceed `MAX_COVERAGE_BPS`: a higher one sweeps equity forever.
    /// @param bps The covenant given.
    /// @param max The largest covenant allowed.
    error TrancheVaultMinCoverageTooHigh(uint256 bps, uint256 max);

    /// @notice The schedule needs a future deadline, a non-zero period length and at least one period.
    /// @param fundingDeadline The deadline given.
    /// @param periodLength The period length given.
    /// @param periodCount The number of periods given.
    error TrancheVaultInvalidSchedule(uint64 fundingDeadline, uint64 periodLength, uint32 periodCount);

    /// @notice The call is not possible in the vault's current state.
    /// @param current The current state.
    error TrancheVaultUnexpectedState(VaultState current);

    /// @notice No such tranche.
    /// @param trancheId The tranche given.
    error TrancheVaultUnknownTranche(uint256 trancheId);

    /// @notice The amount must not be zero.
    error TrancheVaultZeroAmount();

    /// @notice Subscriptions closed at the deadline.
    /// @param deadline The funding deadline.
    error TrancheVaultFundingDeadlinePassed(uint256 deadline);

    /// @notice Funding can close only once every target is met or the deadline has passed.
    /// @param deadline The funding deadline.
    error TrancheVaultFundingStillOpen(uint256 deadline);

    /// @notice The subscription is below the tranche's minimum and does not fill the target.
    /// @param trancheId The tranche.
    /// @param minimum The minimum subscription.
    /// @param amount The amount given.
    error TrancheVaultSubscriptionTooSmall(uint256 trancheId, uint256 minimum, uint256 amount);

    /// @notice The subscription would raise the tranche above its target.
    /// @param trancheId The tranche.
    /// @param target The tranche's target.
    /// @param total What the tranche would have raised.
    error TrancheVaultOverSubscribed(uint256 trancheId, uint256 target, uint256 total);

    /// @notice The stablecoin delivered less than was sent: fee-on-transfer tokens are not supported.
    /// @param expected The amount sent.
    /// @param received The amount that arrived.
    error TrancheVaultTransferFeeDetected(uint256 expected, uint256 received);

    /// @notice The raised funds were already drawn.
    error TrancheVaultAlreadyDrawn();

    /// @notice The raise can be drawn only before the draw deadline (the end of period 1).
    /// @param deadline The draw deadline.
    error TrancheVaultDrawDeadlinePassed(uint256 deadline);

    /// @notice An undrawn raise can be unwound only from the draw deadline on.
    /// @param deadline The draw deadline.
    error TrancheVaultDrawDeadlineNotReached(uint256 deadline);

    /// @notice No period is distributed, and no loss written down, before the raise is drawn.
    error TrancheVaultNotDrawn();

    /// @notice The period was already distributed.
    /// @param period The period given.
    error TrancheVaultPeriodAlreadyDistributed(uint256 period);

    /// @notice Periods are distributed in order.
    /// @param expected The next period to distribute.
    /// @param given The period given.
    error TrancheVaultPeriodOutOfOrder(uint256 expected, uint256 given);

    /// @notice The period has not ended yet.
    /// @param period The period.
    /// @param endsAt When it ends.
    error TrancheVaultPeriodNotEnded(uint256 period, uint256 endsAt);

    /// @notice A write-down cannot exceed the principal outstanding across all tranches.
    /// @param amount The write-down given.
    /// @param principal The total principal outstanding.
    error TrancheVaultWriteDownExceedsPrincipal(uint256 amount, uint256 principal);

    /// @notice The account is not a verified investor (not listed, or its listing expired).
    /// @param account The account.
    error TrancheVaultInvestorNotVerified(address account);

    /// @notice The account is frozen.
    /// @param account The account.
    error TrancheVaultAccountFrozen(address account);

    /// @notice There is nothing to pay out.
    /// @param trancheId The tranche.
    /// @param account The holder.
    error TrancheVaultNothingToClaim(uint256 trancheId, address account);

    /// @notice A recovery needs two different wallets.
    /// @param lost The lost wallet.
    /// @param replacement The replacement wallet.
    error TrancheVaultInvalidRecovery(address lost, address replacement);

    /// @notice A recovery goes only to a wallet the registry links to the same investor identity as the lost one.
    /// @param lost The lost wallet.
    /// @param replacement The replacement wallet.
    /// @param lostIdentity The lost wallet's identity (zero if none).
    /// @param replacementIdentity The replacement's identity.
    error TrancheVaultRecoveryIdentityMismatch(
        address lost,
        address replacement,
        bytes32 lostIdentity,
        bytes32 replacementIdentity
    );

    /// @notice No recovery of this wallet was announced (or it was cancelled or executed).
    /// @param lost The wallet.
    error TrancheVaultRecoveryNotAnnounced(address lost);

    /// @notice The recovery's contest window is still open.
    /// @param lost The wallet.
    /// @param executableAt When the recovery can be executed.
    error TrancheVaultRecoveryPending(address lost, uint256 executableAt);

    /// @notice Only the wallet being recovered, or an agent, can cancel its recovery.
    /// @param caller The caller.
    /// @param lost The wallet being recovered.
    error TrancheVaultRecoveryNotCancellable(address caller, address lost);

    // --- events ---

    /// @notice Emitted when an investor subscribes.
    /// @param trancheId The tranche.
    /// @param investor The subscriber, who received the notes.
    /// @param amount The stablecoin paid and notes issued.
    event Subscribed(uint256 indexed trancheId, address indexed investor, uint256 amount);

    /// @notice Emitted when every target was met and the vault became active; periods count from `startTime`.
    /// @param startTime The funding close.
    /// @param raised The total raised.
    event FundingClosed(uint256 startTime, uint256 raised);

    /// @notice Emitted when the deadline passed with a target unmet; investors can take their money back.
    /// @param raised The total raised.
    event FundingFailed(uint256 raised);

    /// @notice Emitted when the raise was not drawn by the draw deadline and anyone unwound the vault to Failed.
    /// @param drawDeadline The draw deadline that passed.
    /// @param refundable The notes' face value now refundable.
    /// @param revenueToResidual Revenue received before the unwind, allotted to the residual tranche.
    event RaiseUnwound(uint256 drawDeadline, uint256 refundable, uint256 revenueToResidual);

    /// @notice Emitted when an investor takes back a subscription after a failed funding or an unwind.
    /// @param trancheId The tranche.
    /// @param investor The investor.
    /// @param receiver Who received the stablecoin.
    /// @param notes The notes cancelled (refunded at face value).
    /// @param amount The stablecoin paid: the notes' face value plus any unclaimed payouts.
    event Refunded(
        uint256 indexed trancheId,
        address indexed investor,
        address indexed receiver,
        uint256 notes,
        uint256 amount
    );

    /// @notice Emitted when the raised funds go to the project.
    /// @param projectWallet The project's wallet.
    /// @param amount The amount drawn.
    event Drawn(address indexed projectWallet, uint256 amount);

    /// @notice Emitted once per tranche per distribution, in priority order: the only record of what the tranche
    /// was due and received in the period.
    /// @param period The period.
    /// @param trancheId The tranche.
    /// @param report What the tranche was due and received.
    /// @param cashPerNote The tranche's accumulator after the distribution.
    event TrancheServiced(uint256 indexed period, uint256 indexed trancheId, TrancheReport report, uint256 cashPerNote);

    /// @notice Emitted after each distribution (after its tranches' `TrancheServiced`) with every step's amount: the
    /// only record of the period's waterfall.
    /// @param period The period.
    /// @param report The steps of the waterfall.
    event WaterfallDistributed(uint256 indexed period, PeriodReport report);

    /// @notice Emitted when coverage falls below the covenant: the equity residual is swept to debt principal.
    /// @param period The period.
    /// @param coverageBps The coverage measured.
    event CovenantBreached(uint256 indexed period, uint256 coverageBps);

    /// @notice Emitted when coverage is back above the covenant after a breach.
    /// @param period The period.
    /// @param coverageBps The coverage measured.
    event CovenantCured(uint256 indexed period, uint256 coverageBps);

    /// @notice Emitted when the vault matures; holders can redeem.
    /// @param period The last period distributed.
    event VaultMatured(uint256 indexed period);

    /// @notice Emitted for each tranche a write-down reaches.
    /// @param trancheId The tranche.
    /// @param amount The principal written off.
    /// @param principalAfter The principal outstanding afterwards.
    event PrincipalWrittenDown(uint256 indexed trancheId, uint256 amount, uint256 principalAfter);

    /// @notice Emitted when a holder claims.
    /// @param trancheId The tranche.
    /// @param holder The holder.
    /// @param receiver Who received the stablecoin.
    /// @param amount The amount paid.
    event Claimed(uint256 indexed trancheId, address indexed holder, address indexed receiver, uint256 amount);

    /// @notice Emitted when a holder redeems notes after maturity.
    /// @param trancheId The tranche.
    /// @param holder The holder.
    /// @param receiver Who received the stablecoin.
    /// @param notes The notes cancelled.
    /// @param amount The amount paid.
    event Redeemed(
        uint256 indexed trancheId,
        address indexed holder,
        address indexed receiver,
        uint256 notes,
        uint256 amount
    );

    /// @notice Emitted when the servicing fee owed is paid out.
    /// @param recipient The fee recipient.
    /// @param amount The amount paid.
    event FeesPaid(address indexed recipient, uint256 amount);

    /// @notice Emitted when the fee recipient changes.
    /// @param previous The old recipient.
    /// @param current The new recipient.
    event FeeRecipientSet(address indexed previous, address indexed current);

    /// @notice Emitted when an agent announces the recovery of a wallet; the holder can contest it from that wallet
    /// with `cancelRecovery` until `executableAt`.
    /// @param lost The wallet to recover.
    /// @param replacement The verified wallet of the same identity that will receive its notes and payouts.
    /// @param executableAt When the recovery can be executed.
    /// @param agent The agent who announced it.
    event RecoveryAnnounced(
        address indexed lost,
        address indexed replacement,
        uint256 executableAt,
        address indexed agent
    );

    /// @notice Emitted when an announced recovery is cancelled.
    /// @param lost The wallet that was to be recovered.
    /// @param by Who cancelled it (the wallet itself or an agent).
    event RecoveryCancelled(address indexed lost, address indexed by);

    /// @notice Emitted for each tranche when an announced recovery of a lost wallet is executed.
    /// @param trancheId The tranche.
    /// @param lost The lost wallet.
    /// @param replacement The new verified wallet.
    /// @param notes The notes moved.
    /// @param claimable The unclaimed payouts moved.
    event NotesRecovered(
        uint256 indexed trancheId,
        address indexed lost,
        address indexed replacement,
        uint256 notes,
        uint256 claimable
    );

    // --- funding ---

    /// @notice Buys `amount` notes of `trancheId` for the same amount of stablecoin, pulled from you (approve first).
    /// You must be a verified investor.
    /// @param trancheId The tranche.
    /// @param amount The stablecoin to pay.
    function subscribe(uint256 trancheId, uint256 amount) external;

    /// @notice Like `subscribe`, approving the stablecoin with an EIP-2612 signature in the same transaction.
    /// @param trancheId The tranche.
    /// @param amount The stablecoin to pay.
    /// @param deadline The permit's deadline.
    /// @param v The signature's v.
    /// @param r The signature's r.
    /// @param s The signature's s.
    function subscribeWithPermit(
        uint256 trancheId,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Closes funding: active if every target is met, failed if the deadline passed first. Anyone may call.
    function closeFunding() external;

    /// @notice After a failed funding or an unwind, cancels your notes of `trancheId` and pays their face value (what
    /// they cost) plus any unclaimed payouts to `receiver` (who must be verified if it is not you).
    /// @param trancheId The tranche.
    /// @param receiver Who receives the stablecoin.
    /// @return amount The amount paid.
    function refund(uint256 trancheId, address receiver) external returns (uint256 amount);

    /// @notice Sends the raised funds to the project's wallet, once, after funding closed and before the draw
    /// deadline. Operators only.
    function drawdown() external;

    /// @notice Once the draw deadline has passed with the raise undrawn, moves the vault to Failed so that holders
    /// take their money back with `refund`. Anyone may call.
    function unwind() external;

    // --- servicing ---

    /// @notice Runs the waterfall for `period` once it has ended. Anyone may call; periods go in order.
    /// @param period The next undistributed period.
    function distribute(uint256 period) external;

    /// @notice Records a loss: principal is written off bottom-up (equity, then mezzanine, then senior), and every
    /// holder's principal reflects it at once. Only once the raise is drawn. Loss assessors only.
    /// @param amount The loss, in stablecoin units.
    function writeDown(uint256 amount) external;

    /// @notice Pays your unclaimed coupons and principal of `trancheId` to `receiver` (who must be verified if it is
    /// not you).
    /// @param trancheId The tranche.
    /// @param receiver Who receives the stablecoin.
    /// @return amount The amount paid.
    function claim(uint256 trancheId, address receiver) external returns (uint256 amount);

    /// @notice After maturity, cancels all your notes of `trancheId` and pays what you are owed to `receiver`.
    /// @param trancheId The tranche.
    /// @param receiver Who receives the stablecoin.
    /// @return amount The amount paid.
    function redeem(uint256 trancheId, address receiver) external returns (uint256 amount);

    /// @notice Pays the servicing fee owed to the fee recipient. Anyone may call.
    function payFees() external;

    /// @notice Changes the fee recipient. Operators only.
    /// @param recipient The new recipient.
    function setFeeRecipient(address recipient) external;

    /// @notice Announces that all notes and unclaimed payouts of `lost` will move to `replacement`, a verified wallet
    /// the registry links to the same investor identity, after `RECOVERY_DELAY`. Re-announcing replaces the pending
    /// recovery and restarts the delay. Agents only.
    /// @param lost The lost wallet.
    /// @param replacement The replacement wallet.
    function announceRecovery(address lost, address replacement) external;

    /// @notice Cancels the announced recovery of `lost`: the holder contests it by calling from that wallet (a frozen
    /// wallet can too), or an agent withdraws it.
    /// @param lost The wallet whose recovery is cancelled.
    function cancelRecovery(address lost) external;

    /// @notice Executes the announced recovery of `lost` once its contest window is over, checking the replacement
    /// and the identity link again. Anyone may call.
    /// @param lost The lost wallet.
    function recoverNotes(address lost) external;

    // --- views ---

    /// @notice The vault's parameters. `admin` reads as zero: roles live in AccessControl and can change hands.
    function params() external view returns (VaultParams memory);

    /// @notice The vault's state.
    function state() external view returns (VaultState);

    /// @notice The number of tranches.
    function trancheCount() external view returns (uint256);

    /// @notice A tranche's state.
    /// @param trancheId The tranche.
    function tranche(uint256 trancheId) external view returns (Tranche memory);

    /// @notice What `account` can claim now from `trancheId`.
    /// @param trancheId The tranche.
    /// @param account The holder.
    function claimableOf(uint256 trancheId, address account) external view returns (uint256);

    /// @notice The principal outstanding behind the notes of `account`, rounded down.
    /// @param trancheId The tranche.
    /// @param account The holder.
    function principalOf(uint256 trancheId, address account) external view returns (uint256);

    /// @notice When funding closed and periods began (0 before).
    function startTime() external view returns (uint256);

    /// @notice The draw deadline, the end of period 1 (0 before funding closed).
    function drawDeadline() external view returns (uint256);

    /// @notice The announced recovery of `lost`, if any.
    /// @param lost The wallet.
    /// @return replacement The wallet that will receive its notes (zero if none is announced).
    /// @return executableAt When the recovery can be executed.
    function pendingRecovery(address lost) external view returns (address replacement, uint256 executableAt);

    /// @notice The last period distributed (0 before the first).
    function lastDistributedPeriod() external view returns (uint256);

    /// @notice When `period` ends.
    /// @param period The period.
    function periodEnd(uint256 period) external view returns (uint256);

    /// @notice Revenue booked to the open period (the next one to be distributed), all sources together. What each
    /// distributed period received and paid is in its `RevenueReceived`, `WaterfallDistributed` and
    /// `TrancheServiced` events.
    function openPeriodRevenue() external view returns (uint256);

    /// @notice The reserve balance.
    function reserve() external view returns (uint256);

    /// @notice Undistributed revenue waiting for the next distribution.
    function pendingRevenue() external view returns (uint256);

    /// @notice Servicing fee owed to the recipient, and fee arrears carried forward.
    function fees() external view returns (uint256 owed, uint256 arrears);

    /// @notice Whether the coverage covenant is currently breached.
    function covenantBreached() external view returns (bool);

    /// @notice Lifetime money flows.
    function totals() external view returns (Totals memory);
}
