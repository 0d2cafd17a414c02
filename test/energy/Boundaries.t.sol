// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {IBoundedPause} from "../../contracts/interfaces/IBoundedPause.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {Edges} from "../utils/Edges.sol";

/// @notice Every clock edge of the energy layer at t - 1, t and t + 1, each second from the same state. The device's
/// baseline reading is at START (on the hour), so its first hour ends at B = START + 1 hour.
///
///   rule (contract's own)                                    t                  t - 1    t        t + 1
///   submitReading: a reading may not be in the future        block time = ts    revert   ok       ok
///   submitReading: (last, ts] stays in last's clock hour     reading ts = B     ok       ok       revert
///   resumeMetering: needs a gap past last's clock hour       reading ts = B     revert   revert   ok
///   resumeMetering: no reading before activeSince            reading ts         revert   ok       ok
///   verifyReading: no reading before the signer's rotation   reading ts         revert   ok       ok
///   verifyReading: no reading past the ledger                reading ts         ok       ok       revert
///   registerDevice: commissionedAt may not be in the future  block time         revert   ok       ok
///   pause: lapses after MAX_PAUSE_DURATION                   pausedAt + 14 days revert   ok       ok
///   pause: cooling-off as long as the last pause             availableAt        revert   ok       ok
contract EnergyBoundariesTest is Edges {
    uint256 private constant METER_KEY = 0x5014;
    uint256 private constant NEW_METER_KEY = 0x5015;
    uint96 private constant CAPACITY_W = 250_000;
    uint64 private constant START = 1_751_284_800; // 2025-06-30 12:00 UTC
    uint64 private constant B = START + 3_600; // end of the baseline's clock hour
    uint256 private constant BASELINE_WH = 1_000_000;

    DeviceRegistry private registry;
    MeteredEnergy private energy;
    address private owner = address(0xB0B);
    uint256 private deviceId;

    IMeteredEnergy.MeterReading private reading;
    bytes private signature;
    IDeviceRegistry.DeviceRegistration private registration;

    function setUp() public {
        vm.warp(START);
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        energy.grantRole(energy.PAUSER_ROLE(), address(this));
        registration = IDeviceRegistry.DeviceRegistration({
            signer: vm.addr(METER_KEY),
            owner: owner,
            kind: IDeviceRegistry.DeviceKind.Solar,
            capacityW: CAPACITY_W,
            gridZone: "ERCOT-NORTH",
            commissionedAt: START - 365 days,
            metadataURI: "ipfs://solar"
        });
        deviceId = registry.registerDevice(registration);
        _prepare(METER_KEY, deviceId, BASELINE_WH, START);
        vm.prank(owner);
        energy.resumeMetering(reading, signature);
    }

    function _prepare(uint256 key, uint256 device, uint256 cumulativeWh, uint64 timestamp) private {
        reading = IMeteredEnergy.MeterReading(device, cumulativeWh, timestamp);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, energy.readingDigest(reading));
        signature = abi.encodePacked(r, s, v);
    }

    function _submit() private {
        energy.submitReading(reading, signature);
    }

    function _resume() private {
        vm.prank(owner);
        energy.resumeMetering(reading, signature);
    }

    function _verify() private view {
        energy.verifyReading(reading, signature);
    }

    function _register() private {
        registry.registerDevice(registration);
    }

    function _pause() private {
        energy.pause();
    }

    function test_submitReading_notInTheFuture() public {
        uint64 ts = START + 600;
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, ts);
        bytes4 e = IMeteredEnergy.MeteredEnergyReadingInFuture.selector;
        _at(ts - 1, _submit, abi.encodeWithSelector(e, deviceId, ts, ts - 1));
        _at(ts, _submit, _ok());
        _at(ts + 1, _submit, _ok());
    }

    function test_submitReading_intervalStaysInTheClockHourOfTheLastReading() public {
        uint256 now_ = B + 10;
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, B - 1);
        _at(now_, _submit, _ok());
        // A reading on the boundary closes the hour that ends there.
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, B);
        _at(now_, _submit, _ok());
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, B + 1);
        bytes4 e = IMeteredEnergy.MeteredEnergyReadingCrossesHour.selector;
        _at(now_, _submit, abi.encodeWithSelector(e, deviceId, START, B + 1, B));
    }

    function test_resumeMetering_needsAGapPastTheLastReadingsClockHour() public {
        uint256 now_ = B + 10;
        bytes4 e = IMeteredEnergy.MeteredEnergyNoGap.selector;
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, B - 1);
        _at(now_, _resume, abi.encodeWithSelector(e, deviceId, START, B - 1));
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, B);
        _at(now_, _resume, abi.encodeWithSelector(e, deviceId, START, B));
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, B + 1);
        _at(now_, _resume, _ok());
    }

    function test_resumeMetering_noReadingBeforeActiveSince() public {
        uint64 activeSince = START + 1_800; // commissioned then
        vm.warp(activeSince);
        registration.commissionedAt = activeSince;
        uint256 second = registry.registerDevice(registration);
        uint256 now_ = activeSince + 10;
        _prepare(METER_KEY, second, 0, activeSince - 1);
        bytes4 e = IMeteredEnergy.MeteredEnergyReadingBeforeActive.selector;
        _at(now_, _resume, abi.encodeWithSelector(e, second, activeSince - 1, activeSince));
        _prepare(METER_KEY, second, 0, activeSince);
        _at(now_, _resume, _ok());
        _prepare(METER_KEY, second, 0, activeSince + 1);
        _at(now_, _resume, _ok());
    }

    function test_verifyReading_noReadingBeforeTheSignersRotation() public {
        uint64 rotatedAt = START + 1_200;
        vm.warp(rotatedAt);
        vm.prank(owner);
        registry.rotateSigner(deviceId, vm.addr(NEW_METER_KEY));
        // The new key's first reading puts the ledger at START + 3,000.
        vm.warp(START + 3_000);
        _prepare(NEW_METER_KEY, deviceId, BASELINE_WH + 1_000, START + 3_000);
        _submit();
        bytes4 e = IMeteredEnergy.MeteredEnergySignerNotInForce.selector;
        _prepare(NEW_METER_KEY, deviceId, BASELINE_WH, rotatedAt - 1);
        _at(START + 3_000, _verify, abi.encodeWithSelector(e, deviceId, rotatedAt - 1, rotatedAt));
        _prepare(NEW_METER_KEY, deviceId, BASELINE_WH, rotatedAt);
        _at(START + 3_000, _verify, _ok());
        _prepare(NEW_METER_KEY, deviceId, BASELINE_WH, rotatedAt + 1);
        _at(START + 3_000, _verify, _ok());
    }

    function test_verifyReading_noReadingPastTheLedger() public {
        uint64 ledgerAt = START + 3_000;
        vm.warp(ledgerAt);
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, ledgerAt);
        _submit();
        _prepare(METER_KEY, deviceId, BASELINE_WH + 500, ledgerAt - 1);
        _at(ledgerAt, _verify, _ok());
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, ledgerAt);
        _at(ledgerAt, _verify, _ok());
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, ledgerAt + 1);
        bytes4 e = IMeteredEnergy.MeteredEnergyReadingNotInLedger.selector;
        _at(ledgerAt + 1, _verify, abi.encodeWithSelector(e, deviceId, ledgerAt + 1, ledgerAt));
    }

    function test_registerDevice_commissionedAtNotInTheFuture() public {
        uint64 c = START + 7_200;
        registration.commissionedAt = c;
        bytes4 e = IDeviceRegistry.DeviceRegistryCommissionedInFuture.selector;
        _at(c - 1, _register, abi.encodeWithSelector(e, c, c - 1));
        _at(c, _register, _ok());
        _at(c + 1, _register, _ok());
    }

    function test_pause_lapsesAfterMaxPauseDuration() public {
        energy.pause();
        uint256 lapse = START + 1_209_600; // pausedAt + MAX_PAUSE_DURATION (14 days)
        _prepare(METER_KEY, deviceId, BASELINE_WH + 1_000, START + 600);
        _at(lapse - 1, _submit, abi.encodeWithSelector(IBoundedPause.EnforcedPause.selector));
        _at(lapse, _submit, _ok());
        _at(lapse + 1, _submit, _ok());
        vm.warp(lapse - 1);
        assertEq(energy.pausedUntil(), lapse, "paused until the lapse");
        vm.warp(lapse);
        assertFalse(energy.paused(), "lapsed at pausedAt + 14 days");
        assertEq(energy.pausedUntil(), 0, "no pause in force");
    }

    function test_pause_coolingOffAsLongAsAFullPause() public {
        energy.pause();
        uint64 available = START + 2_419_200; // a full pause (14 days), then as long again
        bytes4 e = IBoundedPause.BoundedPauseCoolingOff.selector;
        _at(available - 1, _pause, abi.encodeWithSelector(e, available));
        _at(available, _pause, _ok());
        _at(available + 1, _pause, _ok());
    }

    function test_pause_coolingOffAsLongAsAnEarlyLiftedPause() public {
        energy.pause();
        vm.warp(START + 3_600);
        energy.unpause();
        uint64 available = START + 7_200; // lifted after 1 hour: 1 hour of cooling-off
        bytes4 e = IBoundedPause.BoundedPauseCoolingOff.selector;
        _at(available - 1, _pause, abi.encodeWithSelector(e, available));
        _at(available, _pause, _ok());
        _at(available + 1, _pause, _ok());
    }
}
