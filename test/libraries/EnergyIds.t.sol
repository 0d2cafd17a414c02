// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {Calendar} from "../../contracts/libraries/Calendar.sol";
import {DeviceKinds} from "../../contracts/libraries/DeviceKinds.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {GridZones} from "../../contracts/libraries/GridZones.sol";
import {Test} from "../utils/Test.sol";

contract EnergyIdsTest is Test {
    // --- EnergyIds ---

    function testFuzz_batchId_roundTrips(uint256 deviceId, uint64 hourIndex) public pure {
        deviceId = bound(deviceId, 0, type(uint192).max);
        (uint256 decodedDevice, uint64 decodedHour) = EnergyIds.decodeBatchId(EnergyIds.batchId(deviceId, hourIndex));
        assertEq(decodedDevice, deviceId, "device");
        assertEq(decodedHour, hourIndex, "hour");
    }

    function testFuzz_batchId_sortsByDeviceThenHour(uint256 deviceId, uint64 hourIndex) public pure {
        deviceId = bound(deviceId, 0, type(uint192).max - 1);
        hourIndex = uint64(bound(hourIndex, 0, type(uint64).max - 1));
        uint256 id = EnergyIds.batchId(deviceId, hourIndex);
        assertTrue(EnergyIds.batchId(deviceId, hourIndex + 1) > id, "next hour sorts after");
        assertTrue(EnergyIds.batchId(deviceId + 1, 0) > EnergyIds.batchId(deviceId, type(uint64).max), "next device");
    }

    function test_batchId_revertsWhenTheDeviceIdIsTooLarge() public {
        uint256 deviceId = uint256(type(uint192).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(EnergyIds.EnergyIdsDeviceIdTooLarge.selector, deviceId));
        this.encodeBatch(deviceId, 1);
    }

    function test_certificateId_revertsWhenTheDeviceIdIsTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(EnergyIds.EnergyIdsDeviceIdTooLarge.selector, type(uint256).max));
        this.encodeCertificate(type(uint256).max, 202506);
    }

    function test_hourOfReading_closesTheHourEndingAtTheReading() public pure {
        assertEq(EnergyIds.hourOfReading(3600), 0, "10:00:00 closes 09:00-10:00");
        assertEq(EnergyIds.hourOfReading(3601), 1, "one second later");
        assertEq(EnergyIds.hourOfReading(1), 0, "first second");
    }

    function test_hourOfReading_revertsAtTimeZero() public {
        vm.expectRevert(EnergyIds.EnergyIdsZeroTimestamp.selector);
        this.hourOf(0);
    }

    function testFuzz_hourOfReading_containsTheIntervalEnd(uint64 timestamp) public pure {
        timestamp = uint64(bound(timestamp, 1, type(uint64).max));
        uint256 start = EnergyIds.hourStart(EnergyIds.hourOfReading(timestamp));
        assertTrue(start < timestamp && timestamp <= start + EnergyIds.BATCH_PERIOD, "start < t <= end");
    }

    function test_vintageOfHour_knownDates() public pure {
        assertEq(EnergyIds.vintageOfHour(0), 197001, "epoch");
        // 2024-02-29 23:00 UTC is still February of a leap year; the next hour is March.
        assertEq(EnergyIds.vintageOfHour(1709247600 / 3600), 202402, "leap day");
        assertEq(EnergyIds.vintageOfHour(1709251200 / 3600), 202403, "march");
        assertEq(EnergyIds.vintageOfHour(1767225600 / 3600 - 1), 202512, "new year's eve");
        assertEq(EnergyIds.vintageOfHour(1767225600 / 3600), 202601, "new year");
    }

    function testFuzz_certificateIdOfBatch_keepsDeviceAndMonth(uint256 deviceId, uint64 hourIndex) public pure {
        deviceId = bound(deviceId, 0, type(uint192).max);
        hourIndex = uint64(bound(hourIndex, 0, type(uint48).max));
        uint256 recId = EnergyIds.certificateIdOfBatch(EnergyIds.batchId(deviceId, hourIndex));
        (uint256 decodedDevice, uint64 vintage) = EnergyIds.decodeCertificateId(recId);
        assertEq(decodedDevice, deviceId, "device");
        assertEq(vintage, EnergyIds.vintageOfHour(hourIndex), "vintage");
        assertEq(recId, EnergyIds.certificateId(deviceId, vintage), "encode");
    }

    // --- Calendar ---

    function testFuzz_yearMonth_liesWithinItsMonth(uint256 timestamp) public pure {
        timestamp = bound(timestamp, 0, 2 ** 48);
        (uint256 year, uint256 month) = Calendar.yearMonth(timestamp);
        assertTrue(month >= 1 && month <= 12, "month range");
        uint256 start = Calendar.monthStart(year, month);
        uint256 next = month == 12 ? Calendar.monthStart(year + 1, 1) : Calendar.monthStart(year, month + 1);
        assertLe(start, timestamp, "month start");
        assertTrue(timestamp < next, "before next month");
        uint256 days_ = (next - start) / Calendar.SECONDS_PER_DAY;
        assertTrue(days_ >= 28 && days_ <= 31, "month length");
    }

    function test_monthStart_knownDates() public pure {
        assertEq(Calendar.monthStart(1970, 1), 0, "epoch");
        assertEq(Calendar.monthStart(2000, 3), 951868800, "2000-03-01");
        assertEq(Calendar.monthStart(2100, 3) - Calendar.monthStart(2100, 2), 28 days, "2100 is not leap");
        assertEq(Calendar.monthStart(2000, 3) - Calendar.monthStart(2000, 2), 29 days, "2000 is leap");
    }

    // --- GridZones ---

    function test_isValid_acceptsZoneCodes() public pure {
        assertTrue(GridZones.isValid("ERCOT-NORTH"), "ercot");
        assertTrue(GridZones.isValid("JP-TOKYO"), "tokyo");
        assertTrue(GridZones.isValid("DE_LU"), "underscore");
        assertTrue(GridZones.isValid("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), "32 characters");
        assertFalse(GridZones.isValid(bytes32(0)), "empty");
        assertFalse(GridZones.isValid("ercot"), "lower case");
        assertFalse(GridZones.isValid("ERCOT NORTH"), "space");
        assertFalse(GridZones.isValid(bytes32(uint256(0x41))), "right-aligned");
    }

    function testFuzz_toString_roundTripsValidCodes(uint256 length, uint256 seed) public pure {
        length = bound(length, 1, 32);
        bytes memory code = new bytes(length);
        bytes memory alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        for (uint256 i; i < length; ++i) code[i] = alphabet[uint256(keccak256(abi.encode(seed, i))) % alphabet.length];
        bytes32 zone = bytes32(code);
        assertTrue(GridZones.isValid(zone), "valid");
        assertEq(GridZones.toString(zone), string(code), "round trip");
    }

    function testFuzz_isValid_rejectsAnyNonCodeByte(uint256 length, uint256 position, uint8 bad) public pure {
        length = bound(length, 1, 32);
        position = bound(position, 0, length - 1);
        bytes1 c = bytes1(bad);
        vm.assume(!((c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_"));
        // A zero in the last position only shortens the code.
        vm.assume(c != 0 || position + 1 < length);
        bytes memory code = new bytes(length);
        for (uint256 i; i < length; ++i) code[i] = "A";
        code[position] = c;
        assertFalse(GridZones.isValid(bytes32(code)), "invalid byte accepted");
    }

    // --- DeviceKinds ---

    function test_isRenewable_onlyForRenewableSources() public pure {
        for (uint256 k; k <= uint256(type(IDeviceRegistry.DeviceKind).max); ++k) {
            IDeviceRegistry.DeviceKind kind = IDeviceRegistry.DeviceKind(k);
            bool expected =
                kind == IDeviceRegistry.DeviceKind.Solar ||
                    kind == IDeviceRegistry.DeviceKind.Wind ||
                    kind == IDeviceRegistry.DeviceKind.Hydro ||
                    kind == IDeviceRegistry.DeviceKind.Geothermal ||
                    kind == IDeviceRegistry.DeviceKind.Biomass;
            assertTrue(DeviceKinds.isRenewable(kind) == expected, DeviceKinds.name(kind));
        }
        assertEq(DeviceKinds.name(IDeviceRegistry.DeviceKind.FlexibleLoad), "flexible-load", "name");
        assertEq(DeviceKinds.name(IDeviceRegistry.DeviceKind.Fossil), "fossil", "last name");
    }

    // --- external wrappers so that reverts happen one call deeper than the cheatcode ---

    function encodeBatch(uint256 deviceId, uint64 hourIndex) external pure returns (uint256) {
        return EnergyIds.batchId(deviceId, hourIndex);
    }

    function encodeCertificate(uint256 deviceId, uint64 vintage) external pure returns (uint256) {
        return EnergyIds.certificateId(deviceId, vintage);
    }

    function hourOf(uint64 timestamp) external pure returns (uint64) {
        return EnergyIds.hourOfReading(timestamp);
    }
}
