// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Calendar
/// @notice UTC calendar dates from unix time, for the vintage month of energy and the dates shown in metadata.
/// Days-to-civil conversion after Howard Hinnant's `civil_from_days`, restricted to dates from 1970 on (unix time is
/// unsigned here).
library Calendar {
    uint256 internal constant SECONDS_PER_DAY = 86_400;
    /// @dev Days from 0000-03-01 (the proleptic Gregorian era start used by the algorithm) to 1970-01-01.
    uint256 private constant _EPOCH_SHIFT = 719_468;
    uint256 private constant _DAYS_PER_ERA = 146_097;

    /// @notice The UTC year and month (1-12) that contain `timestamp`.
    function yearMonth(uint256 timestamp) internal pure returns (uint256 year, uint256 month) {
        (year, month, ) = date(timestamp);
    }

    /// @notice The UTC calendar date (year, month 1-12, day 1-31) that contains `timestamp`.
    function date(uint256 timestamp) internal pure returns (uint256 year, uint256 month, uint256 day) {
        uint256 z = timestamp / SECONDS_PER_DAY + _EPOCH_SHIFT;
        uint256 era = z / _DAYS_PER_ERA;
        uint256 dayOfEra = z - era * _DAYS_PER_ERA;
        uint256 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        uint256 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        // Months counted from March, so that the leap day is the last day of the year.
        uint256 marchMonth = (5 * dayOfYear + 2) / 153;
        day = dayOfYear - (153 * marchMonth + 2) / 5 + 1;
        month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    }

    /// @notice Unix time of 00:00 UTC on the first day of `month` (1-12) of `year` (1970 or later).
    function monthStart(uint256 year, uint256 month) internal pure returns (uint256) {
        uint256 y = month <= 2 ? year - 1 : year;
        uint256 era = y / 400;
        uint256 yearOfEra = y - era * 400;
        uint256 marchMonth = month > 2 ? month - 3 : month + 9;
        uint256 dayOfYear = (153 * marchMonth + 2) / 5;
        uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return (era * _DAYS_PER_ERA + dayOfEra - _EPOCH_SHIFT) * SECONDS_PER_DAY;
    }
}
