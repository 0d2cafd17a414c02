// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";

import {IBoundedPause} from "./IBoundedPause.sol";
import {IDeviceRegistry} from "./IDeviceRegistry.sol";
import {IERC7572} from "./IERC7572.sol";

/// @title Joulestack metered energy (kWh batches)
/// @notice An ERC-1155 token where one unit is one watt-hour produced by a registered device in a given hour. Token
/// id = deviceId << 64 | hourIndex (see `EnergyIds`), so every unit keeps its device, hour, grid zone and source.
/// Units are only created from EIP-712 meter readings signed by the device's current signer, and only destroyed by
/// their holder (or an operator the holder approved) consuming them.
///
/// The ledger's rules:
/// - Hour rule: a reading's interval `(lastTimestamp, timestamp]` lies inside one clock hour (readings fall on or
///   inside hour boundaries; a reading at exactly `h * 3600` closes hour `h - 1`), so every minted Wh sits in the
///   hour it was produced. A reading across an hour boundary is rejected.
/// - Start and resume are the owner's act: the first reading (the baseline) and the first reading after an outage
///   or a suspension go through {resumeMetering}, which only the device's owner may call. What the counter advanced
///   over a gap is reported in {MeteringResumed} and never minted. No relayed or copied reading can skip energy.
/// - Active interval: an interval mints only if it starts at or after the device's `activeSince` (commissioning,
///   then each reactivation) and the device is active.
/// So the Wh minted for a device are exactly its counter's advance since the baseline minus the reported gaps.
interface IMeteredEnergy is IERC1155, IBoundedPause, IERC7572 {
    /// @notice A meter reading signed by a device's signer: the meter's cumulative counter at `timestamp`.
    /// @param deviceId The device in the registry.
    /// @param cumulativeWh The meter's lifetime energy counter in Wh (never decreases).
    /// @param timestamp When the meter read the counter (unix seconds).
    struct MeterReading {
        uint256 deviceId;
        uint256 cumulativeWh;
        uint64 timestamp;
    }

    /// @notice The last reading accepted for a device. `timestamp == 0` means no reading yet.
    /// @param cumulativeWh The counter of the last accepted reading.
    /// @param timestamp The time of the last accepted reading.
    /// @param baselineWh Counter Wh that were never minted: the first reading's counter plus any energy skipped
    /// when metering resumed after an outage. Minted Wh = `cumulativeWh - baselineWh`.
    struct MeterState {
        uint128 cumulativeWh;
        uint64 timestamp;
        uint128 baselineWh;
    }

    /// @notice Where a kWh batch comes from.
    /// @param deviceId The producing device.
    /// @param hourStart When the hour starts (unix seconds).
    /// @param gridZone The device's grid zone code.
    /// @param hourIndex The unix hour (`hourStart / 3600`).
    /// @param kind The device kind (the energy source).
    /// @param renewable Whether the source is renewable.
    // solhint-disable-next-line gas-struct-packing
    struct BatchOrigin {
        uint256 deviceId;
        uint256 hourStart;
        bytes32 gridZone;
        uint64 hourIndex;
        IDeviceRegistry.DeviceKind kind;
        bool renewable;
    }

    /// @notice A device's first reading set the counter from which its energy is counted; nothing was minted.
    /// @param deviceId The device.
    /// @param cumulativeWh The counter at that reading.
    /// @param timestamp The time of the reading.
    event MeterBaselineSet(uint256 indexed deviceId, uint256 cumulativeWh, uint64 timestamp);

    /// @notice A reading was accepted. The energy since the previous reading (the counter's advance) was minted to
    /// the device's owner in the batch of the hour the interval lies in; that mint's `TransferSingle` carries the
    /// batch, the owner and the amount (no transfer when the counter did not move).
    /// @param deviceId The device.
    /// @param cumulativeWh The counter at this reading.
    /// @param timestamp The time of this reading.
    event ReadingAccepted(uint256 indexed deviceId, uint256 cumulativeWh, uint64 timestamp);

    /// @notice The owner resumed metering after a gap that no reading could bridge (an outage across an hour
    /// boundary, or a suspension). The energy over the gap cannot be placed in an hour, so it was not minted.
    /// @param deviceId The device.
    /// @param cumulativeWh The counter at the resuming reading.
    /// @param timestamp The time of the resuming reading.
    /// @param skippedWh The energy counted over the gap and not minted.
    /// @param gapSeconds How long the device went without an accepted reading.
    event MeteringResumed(
        uint256 indexed deviceId,
        uint256 cumulativeWh,
        uint64 timestamp,
        uint256 skippedWh,
        uint256 gapSeconds
    );

    /// @notice A batch skipped a reading that was not newer than the device's last accepted one (already applied,
    /// or overtaken by a newer reading). Nothing changed.
    /// @param deviceId The device.
    /// @param timestamp The skipped reading's time.
    /// @param lastTimestamp The time of the device's last accepted reading.
    event ReadingSkipped(uint256 indexed deviceId, uint64 timestamp, uint64 lastTimestamp);

    /// @notice A holder's kWh were burned for consumption.
    /// @param holder Whose kWh were burned.
    /// @param operator Who burned them (the holder or an approved operator).
    /// @param batchId The kWh batch.
    /// @param amountWh How many Wh.
    /// @param purpose What the energy was used for (an order id, a job hash, a REC request id...).
    event EnergyConsumed(
        address indexed holder,
        address indexed operator,
        uint256 indexed batchId,
        uint256 amountWh,
        bytes32 purpose
    );

    /// @notice No device has this id.
    error MeteredEnergyUnknownDevice(uint256 deviceId);
    /// @notice The device is suspended or decommissioned.
    error MeteredEnergyDeviceNotActive(uint256 deviceId, IDeviceRegistry.DeviceStatus status);
    /// @notice The signature is not the device's current signer's over this reading, this chain and this contract:
    /// neither an ECDSA signature by the signer's key nor, when the signer is a contract, accepted by its ERC-1271
    /// `isValidSignature` (a revert or any other answer is a refusal). `recovered` is the ECDSA signer of the bytes
    /// (zero when they are not a well-formed low-s ECDSA signature, as for most smart-account signatures).
    error MeteredEnergyInvalidSigner(uint256 deviceId, address recovered, address expected);
    /// @notice The reading is not newer than the device's last accepted reading.
    error MeteredEnergyReadingNotAfterLast(uint256 deviceId, uint64 lastTimestamp, uint64 timestamp);
    /// @notice The reading is timestamped after the current block.
    error MeteredEnergyReadingInFuture(uint256 deviceId, uint64 timestamp, uint256 currentTime);
    /// @notice The meter counter went down.
    error MeteredEnergyCounterDecreased(uint256 deviceId, uint256 lastWh, uint256 givenWh);
    /// @notice More energy than the device's nameplate capacity can produce in the elapsed time.
    error MeteredEnergyExceedsCapacity(uint256 deviceId, uint256 deltaWh, uint256 maxWh);
    /// @notice The interval since the device's last reading crosses an hour boundary; read the meter at the
    /// boundary, or (the owner) resume metering if no reading there exists.
    error MeteredEnergyReadingCrossesHour(uint256 deviceId, uint64 lastTimestamp, uint64 timestamp, uint256 boundary);
    /// @notice The device has no baseline yet: its owner starts metering with {resumeMetering}.
    error MeteredEnergyMeteringNotStarted(uint256 deviceId);
    /// @notice The interval since the last reading starts before the device's current active interval (it was
    /// suspended and reactivated since): its owner resumes metering with {resumeMetering}.
    error MeteredEnergyIntervalBeforeActive(uint256 deviceId, uint64 lastTimestamp, uint64 activeSince);
    /// @notice The reading is timestamped before the device's current active interval began.
    error MeteredEnergyReadingBeforeActive(uint256 deviceId, uint64 timestamp, uint64 activeSince);
    /// @notice Only the device's owner may start or resume its metering.
    error MeteredEnergyNotDeviceOwner(uint256 deviceId, address owner, address caller);
    /// @notice A normal reading can bridge this interval (it lies inside one hour of the active interval), so there
    /// is no gap to resume from: submit the reading instead.
    error MeteredEnergyNoGap(uint256 deviceId, uint64 lastTimestamp, uint64 timestamp);
    /// @notice The reading is timestamped before its device's current signer took effect.
    error MeteredEnergySignerNotInForce(uint256 deviceId, uint64 timestamp, uint64 signerSince);
    /// @notice The reading is newer than the last reading the ledger accepted for its device.
    error MeteredEnergyReadingNotInLedger(uint256 deviceId, uint64 timestamp, uint64 ledgerTimestamp);
    /// @notice The reading's counter contradicts the ledger: above the counter the ledger accepted at or after the
    /// reading's time, or different from the ledger's counter at the same time.
    error MeteredEnergyReadingContradictsLedger(
        uint256 deviceId,
        uint64 timestamp,
        uint256 cumulativeWh,
        uint64 ledgerTimestamp,
        uint256 ledgerWh
    );
    /// @notice A batch needs exactly one signature per reading.
    error MeteredEnergyLengthMismatch(uint256 readings, uint256 signatures);

    /// @notice Applies one signed reading and mints the energy since the device's previous reading to its owner, in
    /// the batch of the hour that interval lies in. Anyone may relay it. Reverts on any invalid reading, including
    /// one already applied, one whose interval crosses an hour boundary, one timestamped before its signer took
    /// effect (`signerSince`: a key rotated back in cannot mint what it signed while retired) and one for a device
    /// whose owner has not started (or, after a suspension, resumed) metering.
    /// @param reading The reading.
    /// @param signature The device signer's EIP-712 signature of the reading.
    /// @return deltaWh The energy minted.
    function submitReading(MeterReading calldata reading, bytes calldata signature) external returns (uint256 deltaWh);

    /// @notice Applies many signed readings (any devices, in order) in one transaction. A reading that is not newer
    /// than its device's last accepted one is skipped with {ReadingSkipped}, so a relayer's batch survives a reading
    /// that someone else relayed first; any other invalid reading reverts the whole batch.
    /// @param readings The readings.
    /// @param signatures One signature per reading.
    /// @return applied How many readings were applied (not skipped).
    function submitReadings(
        MeterReading[] calldata readings,
        bytes[] calldata signatures
    ) external returns (uint256 applied);

    /// @notice Starts or resumes a device's metering. Only the device's owner may call it. On a device with no
    /// reading yet, the signed reading becomes the baseline ({MeterBaselineSet}); otherwise it is only accepted when
    /// no normal reading could be (the interval since the last reading crosses an hour boundary, or starts before the
    /// device's current active interval), and the energy over the gap is reported in {MeteringResumed} and not minted.
    /// The reading must be at or after the device's `activeSince`, not in the future and not lower than the last
    /// counter.
    /// @param reading The baseline, or the first reading after the gap.
    /// @param signature The device signer's EIP-712 signature of the reading.
    function resumeMetering(MeterReading calldata reading, bytes calldata signature) external;

    /// @notice Burns the holder's kWh for consumption. The caller must be the holder or approved for all by them.
    /// @param from The holder.
    /// @param ids The kWh batches.
    /// @param amountsWh How many Wh of each.
    /// @param purpose What the energy was used for.
    function consume(address from, uint256[] calldata ids, uint256[] calldata amountsWh, bytes32 purpose) external;

    /// @notice Stops readings, transfers, consumption and reading verification for at most `MAX_PAUSE_DURATION`,
    /// after which the pause lapses by itself; a new pause may begin only after as long again unpaused. Only a pauser
    /// may do this.
    function pause() external;

    /// @notice Lifts the pause before it lapses. Only a pauser may do this.
    function unpause() external;

    /// @notice Checks a reading the ledger has already passed, by the rules the ledger accepts readings by, without
    /// minting: the token is not paused ({EnforcedPause}), the device is known and active, the reading lies in its
    /// current active interval, was signed by the current signer while in force, is not newer than the ledger's last
    /// accepted reading and its counter does not contradict the ledger's. Flexibility settlement proves delivery with
    /// it.
    /// @param reading The reading.
    /// @param signature The signature.
    /// @return signer The device's current signer.
    function verifyReading(
        MeterReading calldata reading,
        bytes calldata signature
    ) external view returns (address signer);

    /// @notice The EIP-712 digest a device signs for `reading`.
    /// @param reading The reading.
    function readingDigest(MeterReading calldata reading) external view returns (bytes32);

    /// @notice The EIP-712 type hash of `MeterReading(uint256 deviceId,uint256 cumulativeWh,uint64 timestamp)`.
    function METER_READING_TYPEHASH() external view returns (bytes32);

    /// @notice The role that may pause and unpause the token.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice The device registry that readings are checked against.
    function registry() external view returns (IDeviceRegistry);

    /// @notice The last accepted reading of a device.
    /// @param deviceId The device.
    function meterState(uint256 deviceId) external view returns (MeterState memory);

    /// @notice All the energy ever minted for a device (Wh): last counter minus baseline.
    /// @param deviceId The device.
    function mintedWh(uint256 deviceId) external view returns (uint256);

    /// @notice The device, hour, zone and source of a kWh batch.
    /// @param id The kWh batch id.
    function batchOrigin(uint256 id) external view returns (BatchOrigin memory);

    /// @notice The kWh batch id of a device and hour.
    /// @param deviceId The device.
    /// @param hourIndex The unix hour (`hourStart / 3600`).
    function batchId(uint256 deviceId, uint64 hourIndex) external pure returns (uint256);
}
