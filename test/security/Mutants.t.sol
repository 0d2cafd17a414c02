// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {Test} from "../utils/Test.sol";

/// @dev A device owner that is a contract: it accepts kWh and, once armed, makes one call back from its receiver
/// hook, bubbling up any revert.
contract HookedOwner is IERC1155Receiver {
    address private _target;
    bytes private _call;

    function arm(address target, bytes calldata call) external {
        (_target, _call) = (target, call);
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        _fire();
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(
        address,
        address,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external returns (bytes4) {
        _fire();
        return this.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    function _fire() private {
        if (_target == address(0)) return;
        (address target, bytes memory call) = (_target, _call);
        delete _target;
        Address.functionCall(target, call);
    }
}

/// @notice Kills the mutants that survived the layer suites: pause on paths that mint nothing, reentry through the
/// owner's receiver hook, and callers that are contracts (so `msg.sender` differs from `tx.origin`).
contract MutantsTest is Test {
    uint256 private constant METER_KEY = 0x5014;
    uint96 private constant CAPACITY_W = 250_000;
    uint64 private constant START = 1_751_284_800; // 2025-06-30 12:00 UTC
    uint256 private constant BASELINE_WH = 1_000_000;
    bytes32 private constant PURPOSE = "training-run-7";

    DeviceRegistry private registry;
    MeteredEnergy private energy;
    HookedOwner private owner;
    address private stranger = address(0x5757);
    uint256 private deviceId;

    function setUp() public {
        vm.warp(START);
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        owner = new HookedOwner();
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        energy.grantRole(energy.PAUSER_ROLE(), address(this));
        deviceId = registry.registerDevice(
            IDeviceRegistry.DeviceRegistration({
                signer: vm.addr(METER_KEY),
                owner: address(owner),
                kind: IDeviceRegistry.DeviceKind.Solar,
                capacityW: CAPACITY_W,
                gridZone: "ERCOT-NORTH",
                commissionedAt: START - 365 days,
                metadataURI: "ipfs://solar"
            })
        );
        // The owner (a contract) starts metering.
        (IMeteredEnergy.MeterReading memory first, bytes memory firstSig) = _signed(BASELINE_WH, START);
        vm.prank(address(owner));
        energy.resumeMetering(first, firstSig);
    }

    // --- pause: a reading that mints nothing never reaches the paused `_update`, so the entry points must stop it

    function test_submitReading_revertsWhilePausedWithoutMinting() public {
        vm.warp(START + 600);
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(BASELINE_WH, START + 600);
        energy.pause();

        vm.expectRevert(Pausable.EnforcedPause.selector);
        energy.submitReading(reading, signature);
    }

    function test_submitReadings_revertsWhilePausedWithoutMinting() public {
        vm.warp(START + 600);
        (IMeteredEnergy.MeterReading[] memory readings, bytes[] memory signatures) = _batch(BASELINE_WH, START + 600);
        energy.pause();

        vm.expectRevert(Pausable.EnforcedPause.selector);
        energy.submitReadings(readings, signatures);
    }

    function test_resumeMetering_revertsWhilePaused() public {
        uint64 later = START + 2 * uint64(EnergyIds.BATCH_PERIOD);
        vm.warp(later);
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(BASELINE_WH + 5, later);
        energy.pause();

        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(address(owner));
        energy.resumeMetering(reading, signature);

        energy.unpause();
        vm.prank(address(owner));
        energy.resumeMetering(reading, signature);
        assertEq(energy.meterState(deviceId).timestamp, later, "resumed after unpausing");
    }

    // --- reentrancy: minting calls the owner's hook, which must not get back into the token

    function test_submitReading_rejectsReentryFromTheOwnersHook() public {
        vm.warp(START + 1200);
        (IMeteredEnergy.MeterReading memory first, bytes memory firstSig) = _signed(BASELINE_WH + 10, START + 600);
        (IMeteredEnergy.MeterReading memory next, bytes memory nextSig) = _signed(BASELINE_WH + 20, START + 1200);
        owner.arm(address(energy), abi.encodeCall(IMeteredEnergy.submitReading, (next, nextSig)));

        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        energy.submitReading(first, firstSig);
    }

    function test_submitReadings_rejectsReentryFromTheOwnersHook() public {
        vm.warp(START + 1200);
        (IMeteredEnergy.MeterReading[] memory firsts, bytes[] memory firstSigs) = _batch(BASELINE_WH + 10, START + 600);
        (IMeteredEnergy.MeterReading[] memory nexts, bytes[] memory nextSigs) = _batch(BASELINE_WH + 20, START + 1200);
        owner.arm(address(energy), abi.encodeCall(IMeteredEnergy.submitReadings, (nexts, nextSigs)));

        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        energy.submitReadings(firsts, firstSigs);
    }

    function test_consume_rejectsReentryFromAMintHook() public {
        vm.warp(START + 600);
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(BASELINE_WH + 10, START + 600);
        uint256 id = _batchIdAt(START + 600);
        owner.arm(
            address(energy),
            abi.encodeCall(IMeteredEnergy.consume, (address(owner), _one(id), _one(10), PURPOSE))
        );

        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        energy.submitReading(reading, signature);
    }

    // --- callers that are contracts: authorization is by `msg.sender`, never `tx.origin`

    function test_consume_letsAContractHolderAndItsOperatorBurn() public {
        uint256 id = _mintToOwner(30);
        vm.prank(address(owner));
        energy.consume(address(owner), _one(id), _one(10), PURPOSE);
        assertEq(energy.balanceOf(address(owner), id), 20, "holder burnt its own");

        vm.prank(address(owner));
        energy.setApprovalForAll(address(this), true);
        vm.expectEmit();
        emit IMeteredEnergy.EnergyConsumed(address(owner), address(this), id, 5, PURPOSE);
        energy.consume(address(owner), _one(id), _one(5), PURPOSE);
        assertEq(energy.balanceOf(address(owner), id), 15, "operator burnt for the holder");
    }

    function test_consume_revertsForAContractThatIsNotApproved() public {
        uint256 id = _mintToOwner(30);
        vm.expectRevert(
            abi.encodeWithSelector(IERC1155Errors.ERC1155MissingApprovalForAll.selector, address(this), address(owner))
        );
        energy.consume(address(owner), _one(id), _one(10), PURPOSE);
    }

    function test_rotateSigner_authorizesTheOwnerContract() public {
        vm.prank(address(owner));
        registry.rotateSigner(deviceId, address(0xC0FFEE));
        assertEq(registry.getDevice(deviceId).signer, address(0xC0FFEE), "rotated");

        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotDeviceOwner.selector, deviceId, stranger)
        );
        registry.rotateSigner(deviceId, stranger);
    }

    function test_setOwner_authorizesTheOwnerContract() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotDeviceOwner.selector, deviceId, stranger)
        );
        registry.setOwner(deviceId, stranger);

        vm.prank(address(owner));
        registry.setOwner(deviceId, stranger);
        assertEq(registry.getDevice(deviceId).owner, stranger, "handed over");
    }

    // --- roles: the Solidity suites check every privileged function themselves, so a mutant run needs no TS

    function test_registrarFunctions_revertForStrangerAndOwner() public {
        IDeviceRegistry.DeviceRegistration memory registration = _registration();
        address[2] memory callers = [stranger, address(owner)];
        for (uint256 i; i < callers.length; ++i) {
            bytes memory err = abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                callers[i],
                registry.REGISTRAR_ROLE()
            );
            vm.startPrank(callers[i]);
            vm.expectRevert(err);
            registry.registerDevice(registration);
            vm.expectRevert(err);
            registry.suspendDevice(deviceId, "audit");
            vm.expectRevert(err);
            registry.reactivateDevice(deviceId, "audit");
            vm.expectRevert(err);
            registry.decommissionDevice(deviceId, "audit");
            vm.expectRevert(err);
            registry.setMetadataURI(deviceId, "ipfs://forged");
            vm.stopPrank();
        }
        assertEq(registry.deviceCount(), 1, "nothing registered");
        assertTrue(registry.getDevice(deviceId).status == IDeviceRegistry.DeviceStatus.Active, "still active");
        assertEq(registry.getDevice(deviceId).metadataURI, "ipfs://solar", "metadata unchanged");
    }

    function test_pauseAndUnpause_revertForStranger() public {
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            stranger,
            energy.PAUSER_ROLE()
        );
        vm.prank(stranger);
        vm.expectRevert(err);
        energy.pause();

        energy.pause();
        vm.prank(stranger);
        vm.expectRevert(err);
        energy.unpause();
    }

    function test_balances_freezeWhilePaused() public {
        uint256 id = _mintToOwner(30);
        energy.pause();
        vm.startPrank(address(owner));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        energy.consume(address(owner), _one(id), _one(10), PURPOSE);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        energy.safeTransferFrom(address(owner), stranger, id, 10, "");
        vm.stopPrank();
        assertEq(energy.balanceOf(address(owner), id), 30, "nothing moved");
    }

    // --- helpers

    function _registration() private view returns (IDeviceRegistry.DeviceRegistration memory) {
        return
            IDeviceRegistry.DeviceRegistration({
                signer: vm.addr(METER_KEY),
                owner: stranger,
                kind: IDeviceRegistry.DeviceKind.Wind,
                capacityW: CAPACITY_W,
                gridZone: "ERCOT-NORTH",
                commissionedAt: START - 1 days,
                metadataURI: "ipfs://wind"
            });
    }

    function _mintToOwner(uint256 amountWh) private returns (uint256 id) {
        vm.warp(START + 600);
        _submit(BASELINE_WH + amountWh, START + 600);
        id = _batchIdAt(START + 600);
        assertEq(energy.balanceOf(address(owner), id), amountWh, "minted");
    }

    function _batchIdAt(uint64 timestamp) private view returns (uint256) {
        return EnergyIds.batchId(deviceId, EnergyIds.hourOfReading(timestamp));
    }

    function _submit(uint256 cumulativeWh, uint64 timestamp) private returns (uint256) {
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(cumulativeWh, timestamp);
        return energy.submitReading(reading, signature);
    }

    function _signed(
        uint256 cumulativeWh,
        uint64 timestamp
    ) private view returns (IMeteredEnergy.MeterReading memory reading, bytes memory signature) {
        reading = IMeteredEnergy.MeterReading(deviceId, cumulativeWh, timestamp);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(METER_KEY, energy.readingDigest(reading));
        signature = abi.encodePacked(r, s, v);
    }

    function _batch(
        uint256 cumulativeWh,
        uint64 timestamp
    ) private view returns (IMeteredEnergy.MeterReading[] memory readings, bytes[] memory signatures) {
        readings = new IMeteredEnergy.MeterReading[](1);
        signatures = new bytes[](1);
        (readings[0], signatures[0]) = _signed(cumulativeWh, timestamp);
    }

    function _one(uint256 value) private pure returns (uint256[] memory values) {
        values = new uint256[](1);
        values[0] = value;
    }
}
