// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {Test} from "../utils/Test.sol";

contract MeteredEnergyTest is Test {
    uint256 private constant METER_KEY = 0x5014;
    uint96 private constant CAPACITY_W = 250_000;
    uint64 private constant START = 1_751_284_800; // 2025-06-30 12:00 UTC
    uint256 private constant BASELINE_WH = 1_000_000;

    DeviceRegistry private registry;
    MeteredEnergy private energy;
    address private owner = address(0xB0B);
    uint256 private deviceId;

    function setUp() public {
        vm.warp(START);
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        deviceId = registry.registerDevice(
            IDeviceRegistry.DeviceRegistration({
                signer: vm.addr(METER_KEY),
                owner: owner,
                kind: IDeviceRegistry.DeviceKind.Solar,
                capacityW: CAPACITY_W,
                gridZone: "ERCOT-NORTH",
                commissionedAt: START - 365 days,
                metadataURI: "ipfs://solar"
            })
        );
        // The owner starts metering: the first reading only sets the baseline.
        IMeteredEnergy.MeterReading memory first = IMeteredEnergy.MeterReading(deviceId, BASELINE_WH, START);
        bytes memory signature = _sign(first);
        vm.prank(owner);
        energy.resumeMetering(first, signature);
    }

    /// @dev The device's first hour is hour 486,468 (START / 3,600); its kWh batch id is the device above the hour.
    uint256 private constant FIRST_HOUR = 486_468;

    function test_submitReading_capacityBoundsInLiterals() public {
        // 250,000 W for 900 s = 250,000 × 900 / 3,600 = 62,500 Wh, all of it allowed, none more.
        vm.warp(START + 900);
        IMeteredEnergy.MeterReading memory over = IMeteredEnergy.MeterReading(
            deviceId,
            BASELINE_WH + 62_501,
            START + 900
        );
        bytes memory overSignature = _sign(over);
        vm.expectRevert(
            abi.encodeWithSelector(IMeteredEnergy.MeteredEnergyExceedsCapacity.selector, deviceId, 62_501, 62_500)
        );
        energy.submitReading(over, overSignature);
        assertEq(_submit(BASELINE_WH + 62_500, START + 900), 62_500, "a quarter hour at nameplate");
        // 250,000 W for 1 s = 69.44 Wh → 69 (rounded down).
        vm.warp(START + 901);
        assertEq(_submit(BASELINE_WH + 62_569, START + 901), 69, "one second at nameplate");
        assertEq(energy.balanceOf(owner, (deviceId << 64) | FIRST_HOUR), 62_569, "both in the first hour's batch");
    }

    function testFuzz_submitReading_mintsExactlyTheDeltaWithinCapacity(uint256 elapsed, uint256 deltaWh) public {
        elapsed = bound(elapsed, 1, 3_600);
        // 250,000 W × elapsed s / 3,600 s per hour = 625 × elapsed / 9 Wh, rounded down.
        uint256 maxWh = (625 * elapsed) / 9;
        deltaWh = bound(deltaWh, 0, maxWh);
        uint64 timestamp = uint64(START + elapsed);
        vm.warp(timestamp);

        assertEq(_submit(BASELINE_WH + deltaWh, timestamp), deltaWh, "returned");

        // Every reading in (START, START + 1 hour] closes the first hour.
        assertEq(energy.balanceOf(owner, (deviceId << 64) | FIRST_HOUR), deltaWh, "owner balance");
        assertEq(energy.mintedWh(deviceId), deltaWh, "minted");
    }

    function testFuzz_submitReading_rejectsMoreThanCapacityAllows(uint256 elapsed, uint256 excessWh) public {
        elapsed = bound(elapsed, 1, 3_600);
        uint256 maxWh = (625 * elapsed) / 9; // 250,000 W × elapsed / 3,600, rounded down
        excessWh = bound(excessWh, 1, 1e18);
        uint64 timestamp = uint64(START + elapsed);
        vm.warp(timestamp);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(
            deviceId,
            BASELINE_WH + maxWh + excessWh,
            timestamp
        );
        bytes memory signature = _sign(reading);

        vm.expectRevert(
            abi.encodeWithSelector(
                IMeteredEnergy.MeteredEnergyExceedsCapacity.selector,
                deviceId,
                maxWh + excessWh,
                maxWh
            )
        );
        energy.submitReading(reading, signature);
    }

    function testFuzz_submitReadings_neverAppliesAReadingTwice(uint256 copies, uint256 deltaWh) public {
        copies = bound(copies, 1, 8);
        deltaWh = bound(deltaWh, 0, CAPACITY_W / 4);
        uint64 timestamp = START + 900;
        vm.warp(timestamp);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(
            deviceId,
            BASELINE_WH + deltaWh,
            timestamp
        );
        bytes memory signature = _sign(reading);
        IMeteredEnergy.MeterReading[] memory readings = new IMeteredEnergy.MeterReading[](copies);
        bytes[] memory signatures = new bytes[](copies);
        for (uint256 i; i < copies; ++i) (readings[i], signatures[i]) = (reading, signature);

        assertEq(energy.submitReadings(readings, signatures), 1, "applied once");
        assertEq(energy.submitReadings(readings, signatures), 0, "applied again");
        assertEq(energy.mintedWh(deviceId), deltaWh, "minted once");
        assertEq(energy.balanceOf(owner, (deviceId << 64) | FIRST_HOUR), deltaWh, "bal");
    }

    function testFuzz_submitReading_rejectsAnyOtherSigner(uint256 key) public {
        key = bound(key, 1, 2 ** 200);
        vm.assume(key != METER_KEY);
        uint64 timestamp = START + 60;
        vm.warp(timestamp);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, BASELINE_WH + 1, timestamp);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, energy.readingDigest(reading));

        vm.expectRevert(
            abi.encodeWithSelector(
                IMeteredEnergy.MeteredEnergyInvalidSigner.selector,
                deviceId,
                vm.addr(key),
                vm.addr(METER_KEY)
            )
        );
        energy.submitReading(reading, abi.encodePacked(r, s, v));
    }

    function test_verifyReading_acceptsOnlyTheCurrentSigner() public {
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, BASELINE_WH, START);
        bytes memory signature = _sign(reading);
        assertEq(energy.verifyReading(reading, signature), vm.addr(METER_KEY), "signer");

        vm.prank(owner);
        registry.rotateSigner(deviceId, address(0xC0FFEE));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMeteredEnergy.MeteredEnergyInvalidSigner.selector,
                deviceId,
                vm.addr(METER_KEY),
                address(0xC0FFEE)
            )
        );
        energy.verifyReading(reading, signature);
    }

    function testFuzz_submitReading_rejectsAnIntervalAcrossAnHourBoundary(uint256 offset, uint256 elapsed) public {
        // Move the last reading to an arbitrary point of the hour, then read past the end of that hour.
        offset = bound(offset, 1, EnergyIds.BATCH_PERIOD - 1);
        uint64 last = uint64(START + offset);
        vm.warp(last);
        _submit(BASELINE_WH, last);
        uint256 boundary = START + EnergyIds.BATCH_PERIOD;
        elapsed = bound(elapsed, boundary - last + 1, 30 days);
        uint64 timestamp = uint64(last + elapsed);
        vm.warp(timestamp);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, BASELINE_WH, timestamp);
        bytes memory signature = _sign(reading);

        vm.expectRevert(
            abi.encodeWithSelector(
                IMeteredEnergy.MeteredEnergyReadingCrossesHour.selector,
                deviceId,
                last,
                timestamp,
                boundary
            )
        );
        energy.submitReading(reading, signature);
    }

    function testFuzz_resumeMetering_isOnlyTheOwners(address caller, uint256 gap) public {
        vm.assume(caller != owner);
        gap = bound(gap, EnergyIds.BATCH_PERIOD + 1, 365 days);
        uint64 timestamp = uint64(START + gap);
        vm.warp(timestamp);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, BASELINE_WH + 9, timestamp);
        bytes memory signature = _sign(reading);

        vm.expectRevert(
            abi.encodeWithSelector(IMeteredEnergy.MeteredEnergyNotDeviceOwner.selector, deviceId, owner, caller)
        );
        vm.prank(caller);
        energy.resumeMetering(reading, signature);

        vm.prank(owner);
        energy.resumeMetering(reading, signature);
        assertEq(energy.meterState(deviceId).baselineWh, BASELINE_WH + 9, "gap reported, not minted");
        assertEq(energy.mintedWh(deviceId), 0, "minted");
    }

    function test_submitReading_largestCapacityOverAnHourDoesNotOverflow() public {
        // capacity × elapsed is computed in 256 bits: a uint96 capacity times 3,600 s does not fit 96 bits.
        uint96 capacity = type(uint96).max;
        uint256 plant = registry.registerDevice(
            IDeviceRegistry.DeviceRegistration({
                signer: vm.addr(METER_KEY),
                owner: owner,
                kind: IDeviceRegistry.DeviceKind.Nuclear,
                capacityW: capacity,
                gridZone: "ERCOT-NORTH",
                commissionedAt: START - 365 days,
                metadataURI: "ipfs://plant"
            })
        );
        IMeteredEnergy.MeterReading memory first = IMeteredEnergy.MeterReading(plant, 0, START);
        bytes memory signature = _sign(first);
        vm.prank(owner);
        energy.resumeMetering(first, signature);
        uint64 timestamp = START + uint64(EnergyIds.BATCH_PERIOD);
        vm.warp(timestamp);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(plant, capacity, timestamp);
        assertEq(energy.submitReading(reading, _sign(reading)), capacity, "a full hour at nameplate");
        assertEq(energy.mintedWh(plant), capacity, "minted");
    }

    function _submit(uint256 cumulativeWh, uint64 timestamp) private returns (uint256) {
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, cumulativeWh, timestamp);
        return energy.submitReading(reading, _sign(reading));
    }

    function _sign(IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(METER_KEY, energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }
}
