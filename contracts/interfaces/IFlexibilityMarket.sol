// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC7572} from "./IERC7572.sol";
import {IMeteredEnergy} from "./IMeteredEnergy.sol";
import {IRevenueIntake} from "./IRevenueIntake.sol";

/// @title Joulestack flexibility market
/// @notice Grid operators buy flexibility (a battery that discharges, a load that steps down) for a future window
/// of stress. A buyer escrows the maximum payout; device owners commit capacity by posting a stake and receive an
/// ERC-1155 position (id = commitment id, amount = committed watts). After the window, delivery is proven by two
/// signed meter readings inside it (or, for consume-less requests, by an accredited verifier's attestation); the
/// provider is paid for what it delivered, and the stake is slashed to the buyer in proportion to the shortfall.
///
/// Used once: a commitment reserves its device's hours of the window for good (one commitment per device-hour,
/// never released), and a proof only measures energy inside the window, so each device-hour proves at most one
/// commitment. A flexibility proof pays for power delivered to the grid during a window (a grid service); it does
/// not claim the energy attribute, so the same Wh may also be minted as kWh and become a REC or back a compute
/// delivery.
/// @dev Money is never pushed during settlement: every amount is credited to its recipient and withdrawn with
/// {claim} (or {payRevenue} for a revenue intake), so a recipient that reverts only ever blocks itself.
interface IFlexibilityMarket is IERC7572 {
    /// @notice What the grid needs from the devices during the window.
    enum Direction {
        Export, // discharge or generate more; proven by the export meter's counter
        ConsumeLess // draw less than the baseline; proven by a verifier's attestation
    }

    /// @notice A buyer's request for flexibility.
    /// @param buyer Who opened the request, paid for it and receives slashed stakes and the unused escrow.
    /// @param windowStart When the window starts (unix seconds, on the hour).
    /// @param windowEnd When the window ends (unix seconds, on the hour).
    /// @param commitDeadline Commitments are accepted until this time (inclusive), at or before the window start.
    /// @param settlementDeadline A commitment not settled by this time counts as nothing delivered.
    /// @param gridZone The grid zone the devices must be in.
    /// @param direction Export or consume less.
    /// @param stakeBps The stake as a share of a commitment's maximum payout, in basis points.
    /// @param readingTolerance How far (seconds) after the start and before the end the proving readings may be.
    /// @param capacityW The capacity sought, in watts.
    /// @param committedW The capacity committed so far, in watts.
    /// @param pricePerWh What one delivered Wh is paid, in stablecoin units.
    /// @param escrowLocked The escrow still held for this request.
    /// @param stakeLocked The stakes still held for this request's unsettled commitments.
    /// @param unsettled How many commitments are not settled yet.
    /// @param escrowReturned Whether the unused escrow was credited back to the buyer.
    /// @dev Five slots, laid out so that a commitment writes two (capacity and count; escrow and stakes). Times are
    /// kept in 40 bits (until the year 36812; see {FlexibilityDeadlineTooLate}).
    struct Request {
        address buyer;
        Direction direction;
        uint16 stakeBps;
        uint32 readingTolerance;
        uint40 windowStart;
        uint40 windowEnd;
        uint40 commitDeadline;
        uint40 settlementDeadline;
        uint96 pricePerWh;
        bytes32 gridZone;
        uint96 capacityW;
        uint96 committedW;
        uint32 unsettled;
        bool escrowReturned;
        uint128 escrowLocked;
        uint128 stakeLocked;
    }

    /// @notice What a buyer submits to open a request; see {Request} for the fields.
    struct RequestTerms {
        bytes32 gridZone;
        Direction direction;
        uint64 windowStart;
        uint64 windowEnd;
        uint64 commitDeadline;
        uint64 settlementDeadline;
        uint96 capacityW;
        uint96 pricePerWh;
        uint16 stakeBps;
        uint32 readingTolerance;
    }

    /// @notice A device's commitment to a request.
    /// @param requestId The request.
    /// @param deviceId The committed device.
    /// @param provider Who committed, posted the stake, holds the position and gets the rest of the stake back.
    /// @param payee Where the payout is credited (the provider, or e.g. the vault that financed the device).
    /// @param capacityW The committed capacity in watts.
    /// @param stake The stake posted (not stored: it follows from the request's terms and the capacity).
    /// @param settled Whether the commitment was settled (or expired).
    struct Commitment {
        uint256 requestId;
        uint256 deviceId;
        address provider;
        address payee;
        uint96 capacityW;
        bool settled;
        uint256 stake;
    }

    /// @notice An accredited verifier's statement of the energy a consume-less commitment delivered.
    /// @param commitmentId The commitment.
    /// @param deliveredWh The energy delivered against the baseline, in Wh.
    /// @param verifier The accredited verifier that signs: an EOA, or a contract that answers ERC-1271.
    struct DeliveryAttestation {
        uint256 commitmentId;
        uint256 deliveredWh;
        address verifier;
    }

    /// @notice A buyer opened a request and escrowed its maximum payout.
    /// @param requestId The new request's id (sequential from 1).
    /// @param buyer The buyer.
    /// @param gridZone The grid zone.
    /// @param terms The full terms.
    /// @param escrow The escrowed maximum payout.
    event RequestOpened(
        uint256 indexed requestId,
        address indexed buyer,
        bytes32 indexed gridZone,
        RequestTerms terms,
        uint256 escrow
    );

    /// @notice A device owner committed capacity to a request and posted the stake.
    /// @param commitmentId The new commitment's id, also its position's token id (sequential from 1).
    /// @param requestId The request.
    /// @param deviceId The device.
    /// @param provider The device owner who committed.
    /// @param payee Where the payout will be credited.
    /// @param capacityW The committed capacity in watts.
    /// @param stake The stake posted.
    event CommitmentMade(
        uint256 indexed commitmentId,
        uint256 indexed requestId,
        uint256 indexed deviceId,
        address provider,
        address payee,
        uint96 capacityW,
        uint256 stake
    );

    /// @notice The provider changed where a commitment's payout goes.
    /// @param commitmentId The commitment.
    /// @param payee The new payee.
    event PayeeChanged(uint256 indexed commitmentId, address indexed payee);

    /// @notice An export commitment's delivery was measured from two readings inside its window.
    /// @param commitmentId The commitment.
    /// @param deviceId The device.
    /// @param startTimestamp The time of the first reading.
    /// @param endTimestamp The time of the second reading.
    /// @param startWh The counter at the first reading.
    /// @param endWh The counter at the second reading.
    event DeliveryMeasured(
        uint256 indexed commitmentId,
        uint256 indexed deviceId,
        uint64 startTimestamp,
        uint64 endTimestamp,
        uint256 startWh,
        uint256 endWh
    );

    /// @notice A commitment was settled (or expired with nothing delivered) and its amounts were credited.
    /// @param commitmentId The commitment.
    /// @param requestId The request.
    /// @param deliveredWh The energy delivered (uncapped; zero for an expired commitment).
    /// @param payout What the payee was credited from the escrow.
    /// @param slashed What the buyer was credited from the stake.
    /// @param stakeReturned What the provider was credited from the stake.
    event CommitmentSettled(
        uint256 indexed commitmentId,
        uint256 indexed requestId,
        uint256 deliveredWh,
        uint256 payout,
        uint256 slashed,
        uint256 stakeReturned
    );

    /// @notice Every commitment of a request is settled and the unused escrow was credited back to the buyer.
    /// @param requestId The request.
    /// @param buyer The buyer.
    /// @param refund The unused escrow.
    event EscrowReturned(uint256 indexed requestId, address indexed buyer, uint256 refund);

    /// @notice An account withdrew what it was credited.
    /// @param account Whose credit was withdrawn.
    /// @param to Where the stablecoin went.
    /// @param amount How much.
    event Claimed(address indexed account, address indexed to, uint256 amount);

    /// @notice A revenue intake's credit was paid into it as flexibility revenue.
    /// @param intake The revenue intake.
    /// @param amount How much.
    event RevenuePaid(address indexed intake, uint256 amount);

    /// @notice The window starts in the past (or now).
    error FlexibilityWindowInPast(uint64 windowStart, uint256 currentTime);
    /// @notice The window must start and end on the hour, last at least one hour and at most `MAX_WINDOW_HOURS`.
    error FlexibilityInvalidWindow(uint64 windowStart, uint64 windowEnd);
    /// @notice The commitment deadline must be at or before the window start, and the settlement deadline at or after
    /// the window end plus the reading tolerance.
    error FlexibilityInvalidDeadlines(uint64 commitDeadline, uint64 settlementDeadline);
    /// @notice Capacity and price must be above zero, the stake at most 100% and the tolerance at most an hour.
    error FlexibilityInvalidTerms(uint96 capacityW, uint96 pricePerWh, uint16 stakeBps, uint32 readingTolerance);
    /// @notice The contract received less stablecoin than it asked for (a fee-on-transfer token).
    error FlexibilityTransferShortfall(uint256 expected, uint256 received);
    /// @notice Request times are kept in 40 bits: the settlement deadline (the latest of them) is above `max`.
    error FlexibilityDeadlineTooLate(uint64 settlementDeadline, uint256 max);
    /// @notice A commitment keeps its request id and device id in 40 and 48 bits: `id` is above `max`.
    error FlexibilityIdTooLarge(uint256 id, uint256 max);
    /// @notice The request's escrow (capacity x window hours x price) exceeds the most a request may lock.
    error FlexibilityEscrowTooLarge(uint256 escrow, uint256 max);
    /// @notice No request has this id.
    error FlexibilityUnknownRequest(uint256 requestId);
    /// @notice The request no longer accepts commitments.
    error FlexibilityCommitmentClosed(uint256 requestId, uint64 commitDeadline, uint256 currentTime);
    /// @notice Only the device's owner may commit it.
    error FlexibilityNotDeviceOwner(uint256 deviceId, address owner, address caller);
    /// @notice The device is not active (to commit, or to settle from its readings).
    error FlexibilityDeviceInactive(uint256 deviceId);
    /// @notice The device is not in the request's grid zone.
    error FlexibilityWrongZone(uint256 deviceId, bytes32 deviceZone, bytes32 requestZone);
    /// @notice This kind of device cannot deliver in the request's direction.
    error FlexibilityWrongDeviceKind(uint256 deviceId, uint8 kind, Direction direction);
    /// @notice A commitment must be for more than zero watts, to a payee that is not the zero address.
    error FlexibilityInvalidCommitment(uint96 capacityW, address payee);
    /// @notice The commitment is above the device's nameplate capacity.
    error FlexibilityExceedsDeviceCapacity(uint256 deviceId, uint256 deviceCapacityW, uint96 capacityW);
    /// @notice The commitment is above what the request still seeks.
    error FlexibilityExceedsRequestCapacity(uint256 requestId, uint256 remainingW, uint96 capacityW);
    /// @notice The device is already committed for this hour (to this or another request); one meter cannot prove
    /// two deliveries at once.
    error FlexibilityDeviceBusy(uint256 deviceId, uint256 hourIndex);
    /// @notice No commitment has this id.
    error FlexibilityUnknownCommitment(uint256 commitmentId);
    /// @notice Only the commitment's provider may do this.
    error FlexibilityNotProvider(uint256 commitmentId, address caller);
    /// @notice The commitment is already settled.
    error FlexibilityAlreadySettled(uint256 commitmentId);
    /// @notice The window has not ended yet.
    error FlexibilityWindowNotOver(uint256 commitmentId, uint64 windowEnd, uint256 currentTime);
    /// @notice The settlement deadline passed; the commitment can only expire now.
    error FlexibilitySettlementDeadlinePassed(uint256 commitmentId, uint64 settlementDeadline, uint256 currentTime);
    /// @notice The settlement deadline has not passed, so the commitment cannot expire yet.
    error FlexibilityNotExpired(uint256 commitmentId, uint64 settlementDeadline, uint256 currentTime);
    /// @notice The request's direction is settled the other way (readings for export, attestation for consume-less).
    error FlexibilityWrongProof(uint256 commitmentId, Direction direction);
    /// @notice A reading is for another device than the committed one.
    error FlexibilityReadingWrongDevice(uint256 commitmentId, uint256 expectedDeviceId, uint256 readingDeviceId);
    /// @notice The readings are not inside the window within the tolerance of its edges (the first at or after the
    /// start, the second at or before the end, the first before the second).
    error FlexibilityReadingsDoNotBracket(
        uint64 startTimestamp,
        uint64 endTimestamp,
        uint64 windowStart,
        uint64 windowEnd
    );
    /// @notice The meter counter went down between the two readings.
    error FlexibilityReadingCounterDecreased(uint256 deviceId, uint256 startWh, uint256 endWh);
    /// @notice The attestation names a verifier that is not accredited (has no `VERIFIER_ROLE`).
    error FlexibilityUnauthorizedVerifier(address verifier);
    /// @notice The signature is not the named verifier's over this attestation, this chain and this market: not an
    /// ECDSA signature by its key or, for a contract verifier, not accepted by its ERC-1271 `isValidSignature` (a
    /// revert or any other answer is a refusal).
    error FlexibilityInvalidAttestationSignature(uint256 commitmentId, address verifier);
    /// @notice The request still has unsettled commitments, or still accepts new ones.
    error FlexibilityRequestNotFinished(uint256 requestId, uint32 unsettled, uint64 commitDeadline);
    /// @notice The unused escrow was already returned.
    error FlexibilityEscrowAlreadyReturned(uint256 requestId);
    /// @notice The account has nothing to withdraw.
    error FlexibilityNothingToClaim(address account);
    /// @notice The revenue intake takes another asset than this market's stablecoin.
    error FlexibilityRevenueAssetMismatch(address intake, address asset);
    /// @notice Positions stay with their provider: the stake and the device's obligation cannot move.
    error FlexibilityPositionNonTransferable(uint256 commitmentId);

    /// @notice Opens a request and escrows its maximum payout (`capacityW × window hours × pricePerWh`), pulled from
    /// the caller. Only a buyer (grid operator, utility, aggregator) may do this.
    /// @param terms The zone, window, direction, capacity, price, stake ratio, tolerance and deadlines.
    /// @return requestId The new request's id.
    function openRequest(RequestTerms calldata terms) external returns (uint256 requestId);

    /// @notice Commits a device's capacity to a request, pulling the stake from the caller, who must own the device
    /// and receives the position. The device must be active, in the request's zone, of a kind that can deliver in
    /// its direction, and not committed elsewhere in any hour of the window.
    /// @param requestId The request.
    /// @param deviceId The device.
    /// @param capacityW The capacity committed, in watts.
    /// @param payee Where the payout is credited (the caller, or a revenue address such as a financing vault).
    /// @return commitmentId The new commitment's id, also the id of its position.
    function commit(
        uint256 requestId,
        uint256 deviceId,
        uint96 capacityW,
        address payee
    ) external returns (uint256 commitmentId);

    /// @notice Changes where an unsettled commitment's payout is credited. Only its provider may do this.
    /// @param commitmentId The commitment.
    /// @param payee The new payee.
    function setPayee(uint256 commitmentId, address payee) external;

    /// @notice Settles an export commitment from two meter readings signed by the device's signer (nothing is
    /// minted). The first must be at or after the window start and within the tolerance of it, the second at or
    /// before the window end and within the tolerance of it; the counter delta is the energy delivered. Both must
    /// pass the kWh token's {IMeteredEnergy-verifyReading}: the token is not paused, the device is active and was
    /// active since before the readings, the signer was in force at their time, and the kWh ledger has already
    /// accepted readings up to (at least) the second one's time, consistently with both. Anyone may call this after
    /// the window and up to the settlement deadline.
    /// @param commitmentId The commitment.
    /// @param startReading The reading at the start of the window.
    /// @param startSignature The device signer's signature of `startReading`.
    /// @param endReading The reading at the end of the window.
    /// @param endSignature The device signer's signature of `endReading`.
    function settleWithReadings(
        uint256 commitmentId,
        IMeteredEnergy.MeterReading calldata startReading,
        bytes calldata startSignature,
        IMeteredEnergy.MeterReading calldata endReading,
        bytes calldata endSignature
    ) external;

    /// @notice Settles a consume-less commitment from an accredited verifier's EIP-712 attestation of the energy
    /// delivered against the device's baseline. Anyone may call this after the window and up to the deadline.
    /// @param attestation The commitment and the energy delivered.
    /// @param signature The named verifier's signature under this market's EIP-712 domain: 65-byte ECDSA for a key,
    /// whatever its `isValidSignature` accepts for a contract.
    function settleWithAttestation(DeliveryAttestation calldata attestation, bytes calldata signature) external;

    /// @notice Settles a commitment that nobody settled by the settlement deadline as nothing delivered: its whole
    /// stake goes to the buyer. Anyone may call this.
    /// @param commitmentId The commitment.
    function expire(uint256 commitmentId) external;

    /// @notice Credits the unused escrow back to the buyer of a request whose commitment deadline passed and whose
    /// commitments are all settled (settling the last commitment does this by itself). Anyone may call this.
    /// @param requestId The request.
    function returnEscrow(uint256 requestId) external;

    /// @notice Withdraws everything credited to the caller.
    /// @param to Where to send the stablecoin.
    function claim(address to) external;

    /// @notice Pays everything credited to a revenue intake into it through `receiveRevenue(Flexibility, amount)`.
    /// Anyone may call this. The intake must take this market's stablecoin and pull exactly the amount.
    /// @param intake The revenue intake (e.g. the vault that financed a device, named as a payee).
    function payRevenue(IRevenueIntake intake) external;

    /// @notice The role of flexibility buyers (grid operators, utilities, aggregators).
    function BUYER_ROLE() external view returns (bytes32);

    /// @notice The role of verifiers accredited to attest consume-less deliveries.
    function VERIFIER_ROLE() external view returns (bytes32);

    /// @notice The EIP-712 type hash of
    /// `DeliveryAttestation(uint256 commitmentId,uint256 deliveredWh,address verifier)`.
    function DELIVERY_ATTESTATION_TYPEHASH() external view returns (bytes32);

    /// @notice The longest window a request may have, in hours.
    function MAX_WINDOW_HOURS() external view returns (uint256);

    /// @notice The largest reading tolerance a request may set, in seconds.
    function MAX_READING_TOLERANCE() external view returns (uint256);

    /// @notice The stablecoin that escrows, stakes and payouts are in.
    function stablecoin() external view returns (address);

    /// @notice The kWh token whose meter readings prove delivery.
    function meteredEnergy() external view returns (IMeteredEnergy);

    /// @notice A request; reverts for an unknown id.
    /// @param requestId The request.
    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice A commitment; reverts for an unknown id.
    /// @param commitmentId The commitment.
    function getCommitment(uint256 commitmentId) external view returns (Commitment memory);

    /// @notice How many requests were ever opened; ids run from 1 to this number.
    function requestCount() external view returns (uint256);

    /// @notice How many commitments were ever made; ids run from 1 to this number.
    function commitmentCount() external view returns (uint256);

    /// @notice What an account may withdraw with {claim}.
    /// @param account The account.
    function claimable(address account) external view returns (uint256);

    /// @notice The sum of every account's claimable amount.
    function totalClaimable() external view returns (uint256);

    /// @notice Whether a commitment holds a device in a unix hour (`hourStart / 3600`); which one is in the
    /// {CommitmentMade} events.
    /// @param deviceId The device.
    /// @param hourIndex The unix hour.
    function deviceHourBooked(uint256 deviceId, uint256 hourIndex) external view returns (bool);

    /// @notice The largest escrow a request may lock, in stablecoin units (2^112 - 1): escrows and stakes are kept in
    /// 128 bits.
    function MAX_ESCROW() external view returns (uint256);

    /// @notice The EIP-712 digest a verifier signs for `attestation`.
    /// @param attestation The attestation.
    function attestationDigest(DeliveryAttestation calldata attestation) external view returns (bytes32);
}
