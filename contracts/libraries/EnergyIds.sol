// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Calendar} from "./Calendar.sol";

/// @title EnergyIds
/// @notice Token id encoding shared by the kWh token and the REC token. Both put the device id in the high 192 bits
/// and a time index in the low 64 bits, so an id sorts by device, then time:
/// - kWh batch id       = deviceId << 64 | hourIndex    (hourIndex = unix hour, `hourStart / 3600`)
/// - REC certificate id = deviceId << 64 | vintage      (vintage = year * 100 + month, e.g. 202506)
/// A meter reading at `timestamp` closes the interval that ends then, so it belongs to the hour ending at or after
/// it: `hourIndex = (timestamp - 1) / 3600` (a reading at 10:00:00 closes the 09:00-10:00 hour).
library EnergyIds {
    /// @notice Seconds in one generation batch.
    uint256 internal constant BATCH_PERIOD = 3600;
    uint256 private constant _TIME_BITS = 64;
    uint256 private constant _MAX_DEVICE_ID = type(uint192).max;

    /// @notice The device id does not fit in the 192 high bits of a token id.
    error EnergyIdsDeviceIdTooLarge(uint256 deviceId);
    /// @notice A reading at unix time 0 closes no hour.
    error EnergyIdsZeroTimestamp();

    /// @notice The kWh batch id of `deviceId` in the hour `hourIndex`.
    function batchId(uint256 deviceId, uint64 hourIndex) internal pure returns (uint256) {
        return (_checkedDevice(deviceId) << _TIME_BITS) | hourIndex;
    }

    /// @notice The device and hour of a kWh batch id.
    function decodeBatchId(uint256 id) internal pure returns (uint256 deviceId, uint64 hourIndex) {
        return (id >> _TIME_BITS, uint64(id));
    }

    /// @notice The hour a meter reading taken at `timestamp` closes.
    function hourOfReading(uint64 timestamp) internal pure returns (uint64) {
        if (timestamp == 0) revert EnergyIdsZeroTimestamp();
        // timestamp >= 1, so the division result fits in 64 bits and the subtraction cannot underflow.
        return uint64((timestamp - 1) / BATCH_PERIOD);
    }

    /// @notice Unix time at which hour `hourIndex` starts.
    function hourStart(uint64 hourIndex) internal pure returns (uint256) {
        return uint256(hourIndex) * BATCH_PERIOD;
    }

    /// @notice The vintage (year * 100 + month, UTC) of the hour `hourIndex`.
    function vintageOfHour(uint64 hourIndex) internal pure returns (uint64) {
        (uint256 year, uint256 month) = Calendar.yearMonth(hourStart(hourIndex));
        // hourStart < 2^76 seconds, so year < 2^52 and year * 100 + month < 2^59 fits in 64 bits.
        return uint64(year * 100 + month);
    }

    /// @notice The REC id of `deviceId` in vintage `vintage` (year * 100 + month).
    function certificateId(uint256 deviceId, uint64 vintage) internal pure returns (uint256) {
        return (_checkedDevice(deviceId) << _TIME_BITS) | vintage;
    }

    /// @notice The REC id that a kWh batch counts towards: same device, the batch hour's vintage month.
    function certificateIdOfBatch(uint256 id) internal pure returns (uint256) {
        (uint256 deviceId, uint64 hourIndex) = decodeBatchId(id);
        return (deviceId << _TIME_BITS) | vintageOfHour(hourIndex);
    }

    /// @notice The device and vintage of a REC id.
    function decodeCertificateId(uint256 id) internal pure returns (uint256 deviceId, uint64 vintage) {
        return (id >> _TIME_BITS, uint64(id));
    }

    function _checkedDevice(uint256 deviceId) private pure returns (uint256) {
        if (deviceId > _MAX_DEVICE_ID) revert EnergyIdsDeviceIdTooLarge(deviceId);
        return deviceId;
    }
}
