// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {FlexibilityMarket} from "../../contracts/flexibility/FlexibilityMarket.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IFlexibilityMarket} from "../../contracts/interfaces/IFlexibilityMarket.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice The energy layer, a stablecoin and a market, with three batteries and a flexible load in one zone.
abstract contract FlexibilitySetup {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    bytes32 internal constant ZONE = "ERCOT-NORTH";
    uint256 internal constant START_TIME = 1_800_000_000; // on the hour
    uint96 internal constant BATTERY_W = 1_000_000;
    uint256 internal constant SIGNER_KEY = 0x5161;

    TestStablecoin internal token;
    DeviceRegistry internal registry;
    MeteredEnergy internal energy;
    FlexibilityMarket internal market;
    address internal buyer = address(0xB1);
    address internal payee = address(0xFA);
    address[3] internal providers = [address(0xA1), address(0xA2), address(0xA3)];
    uint256[3] internal batteries;
    uint256 internal flexibleLoad;
    uint256 internal solarPlant;

    function _deploy() internal {
        VM.warp(START_TIME);
        token = new TestStablecoin(address(this));
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        market = new FlexibilityMarket(IERC20(address(token)), energy, address(this));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        market.grantRole(market.BUYER_ROLE(), buyer);
        for (uint256 i; i < 3; ++i) {
            batteries[i] = _register(providers[i], IDeviceRegistry.DeviceKind.Battery);
            token.mint(providers[i], 1e15);
            VM.prank(providers[i]);
            token.approve(address(market), type(uint256).max);
        }
        flexibleLoad = _register(providers[0], IDeviceRegistry.DeviceKind.FlexibleLoad);
        solarPlant = _register(providers[0], IDeviceRegistry.DeviceKind.Solar);
        token.mint(buyer, 1e15);
        VM.prank(buyer);
        token.approve(address(market), type(uint256).max);
    }

    function _register(address owner, IDeviceRegistry.DeviceKind kind) internal returns (uint256) {
        return
            registry.registerDevice(
                IDeviceRegistry.DeviceRegistration({
                    signer: VM.addr(SIGNER_KEY),
                    owner: owner,
                    kind: kind,
                    capacityW: BATTERY_W,
                    gridZone: ZONE,
                    commissionedAt: uint64(START_TIME - 1 days),
                    metadataURI: "ipfs://device"
                })
            );
    }

    /// @dev A 2-hour export window starting `hoursAhead` hours from now, 1e-4 USDC per Wh, 50% stake.
    function _terms(
        uint256 hoursAhead,
        uint96 capacityW
    ) internal view returns (IFlexibilityMarket.RequestTerms memory) {
        uint64 windowStart = uint64(((block.timestamp / 1 hours) + hoursAhead) * 1 hours);
        return
            IFlexibilityMarket.RequestTerms({
                gridZone: ZONE,
                direction: IFlexibilityMarket.Direction.Export,
                windowStart: windowStart,
                windowEnd: windowStart + 2 hours,
                commitDeadline: windowStart - 30 minutes,
                settlementDeadline: windowStart + 1 days,
                capacityW: capacityW,
                pricePerWh: 100,
                stakeBps: 5_000,
                readingTolerance: 15 minutes
            });
    }

    function _reading(
        uint256 deviceId,
        uint256 cumulativeWh,
        uint64 timestamp
    ) internal view returns (IMeteredEnergy.MeterReading memory reading, bytes memory signature) {
        return _signedReading(SIGNER_KEY, deviceId, cumulativeWh, timestamp);
    }

    function _signedReading(
        uint256 key,
        uint256 deviceId,
        uint256 cumulativeWh,
        uint64 timestamp
    ) internal view returns (IMeteredEnergy.MeterReading memory reading, bytes memory signature) {
        reading = IMeteredEnergy.MeterReading({deviceId: deviceId, cumulativeWh: cumulativeWh, timestamp: timestamp});
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, energy.readingDigest(reading));
        signature = abi.encodePacked(r, s, v);
    }

    /// @dev Settles from readings at the window's edges, after putting hourly readings over the window (the counter
    /// rising evenly by `deliveredWh`) into the kWh ledger, which settlement checks them against.
    function _settle(uint256 commitmentId, uint256 deliveredWh) internal {
        IFlexibilityMarket.Commitment memory commitment = market.getCommitment(commitmentId);
        IFlexibilityMarket.Request memory request = market.getRequest(commitment.requestId);
        uint256 startWh = _meterWindow(commitment.deviceId, request.windowStart, request.windowEnd, deliveredWh);
        (IMeteredEnergy.MeterReading memory a, bytes memory sa) = _reading(
            commitment.deviceId,
            startWh,
            request.windowStart
        );
        (IMeteredEnergy.MeterReading memory b, bytes memory sb) = _reading(
            commitment.deviceId,
            startWh + deliveredWh,
            request.windowEnd
        );
        market.settleWithReadings(commitmentId, a, sa, b, sb);
    }

    /// @dev Brings the device's ledger to `from` (a normal reading, or the owner starting or resuming metering),
    /// then applies hourly readings up to `to`. The ledger must not be past `from`. Returns the counter at `from`.
    function _meterWindow(uint256 deviceId, uint64 from, uint64 to, uint256 deliveredWh) internal returns (uint256) {
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        uint256 startWh = state.timestamp == 0 ? 5_000 : state.cumulativeWh;
        (IMeteredEnergy.MeterReading memory first, bytes memory firstSignature) = _reading(deviceId, startWh, from);
        if (state.timestamp != 0 && state.timestamp + 1 hours == from) {
            energy.submitReading(first, firstSignature);
        } else if (state.timestamp != from) {
            VM.prank(registry.getDevice(deviceId).owner);
            energy.resumeMetering(first, firstSignature);
        }
        uint256 hours_ = (to - from) / 1 hours;
        for (uint256 h = 1; h <= hours_; ++h) {
            (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _reading(
                deviceId,
                startWh + (deliveredWh * h) / hours_,
                uint64(from + h * 1 hours)
            );
            energy.submitReading(reading, signature);
        }
        return startWh;
    }
}

contract FlexibilityMarketTest is Test, FlexibilitySetup {
    function setUp() public {
        _deploy();
    }

    function _open(uint96 capacityW) private returns (uint256) {
        vm.prank(buyer);
        return market.openRequest(_terms(3, capacityW));
    }

    function _commit(uint256 requestId, uint256 index, uint96 capacityW) private returns (uint256) {
        vm.prank(providers[index]);
        return market.commit(requestId, batteries[index], capacityW, payee);
    }

    function test_openRequest_escrowsMaxPayout() public {
        uint256 requestId = _open(2_000_000);
        // 2 MW × 2 h × 100 units/Wh
        assertEq(market.getRequest(requestId).escrowLocked, 400_000_000, "escrow");
        assertEq(token.balanceOf(address(market)), 400_000_000, "held");
    }

    function test_commit_mintsPositionAndTakesStake() public {
        uint256 requestId = _open(2_000_000);
        uint256 commitmentId = _commit(requestId, 0, 500_000);
        assertEq(market.balanceOf(providers[0], commitmentId), 500_000, "position");
        // half of 500 kW × 2 h × 100
        assertEq(market.getCommitment(commitmentId).stake, 50_000_000, "stake");
        assertEq(market.getRequest(requestId).stakeLocked, 50_000_000, "locked");
    }

    /// A position stays with the provider who posted its stake: neither a transfer nor a batch transfer moves it,
    /// even by an approved operator.
    function test_position_cannotBeTransferred() public {
        uint256 commitmentId = _commit(_open(2_000_000), 0, 500_000);
        bytes memory refused = abi.encodeWithSelector(
            IFlexibilityMarket.FlexibilityPositionNonTransferable.selector,
            commitmentId
        );
        vm.prank(providers[0]);
        market.setApprovalForAll(payee, true);

        vm.expectRevert(refused);
        vm.prank(providers[0]);
        market.safeTransferFrom(providers[0], payee, commitmentId, 1, "");
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (ids[0], amounts[0]) = (commitmentId, 500_000);
        vm.expectRevert(refused);
        vm.prank(payee);
        market.safeBatchTransferFrom(providers[0], payee, ids, amounts, "");
    }

    function test_settleWithReadings_halfDeliverySplitsStake() public {
        uint256 requestId = _open(2_000_000);
        uint256 commitmentId = _commit(requestId, 0, 500_000);
        vm.warp(market.getRequest(requestId).windowEnd);
        _settle(commitmentId, 500_000);
        assertEq(market.claimable(payee), 50_000_000, "payout");
        assertEq(market.claimable(providers[0]), 25_000_000, "stake returned");
        // slashed 25 + unused escrow 400 - 50
        assertEq(market.claimable(buyer), 375_000_000, "buyer");
        assertEq(market.balanceOf(providers[0], commitmentId), 0, "position burned");
    }

    function test_settleWithReadings_revertsWhenSettledTwice() public {
        uint256 requestId = _open(2_000_000);
        uint256 commitmentId = _commit(requestId, 0, 500_000);
        vm.warp(market.getRequest(requestId).windowEnd);
        _settle(commitmentId, 1_000_000);
        IFlexibilityMarket.Request memory request = market.getRequest(requestId);
        (IMeteredEnergy.MeterReading memory a, bytes memory sa) = _reading(batteries[0], 5_000, request.windowStart);
        (IMeteredEnergy.MeterReading memory b, bytes memory sb) = _reading(batteries[0], 9_000, request.windowEnd);
        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityAlreadySettled.selector, commitmentId));
        market.settleWithReadings(commitmentId, a, sa, b, sb);
    }

    function test_commit_revertsOverDeviceCapacity() public {
        uint256 requestId = _open(2_000_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityExceedsDeviceCapacity.selector,
                batteries[0],
                BATTERY_W,
                BATTERY_W + 1
            )
        );
        _commit(requestId, 0, BATTERY_W + 1);
    }

    function test_commit_revertsWhenDeviceBusyInAnotherRequest() public {
        uint256 first = _open(2_000_000);
        uint256 second = _open(2_000_000);
        _commit(first, 0, 500_000);
        uint256 hourIndex = market.getRequest(second).windowStart / 1 hours;
        vm.expectRevert(
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityDeviceBusy.selector, batteries[0], hourIndex)
        );
        _commit(second, 0, 500_000);
    }

    /// Booked hours are kept 256 to a word: two windows of one device clash exactly when their hour ranges overlap,
    /// at the first shared hour, wherever they fall against a word boundary.
    function testFuzz_commit_booksHoursLikeAPlainIntervalCheck(
        uint256 firstAhead,
        uint256 firstLength,
        uint256 secondAhead,
        uint256 secondLength
    ) public {
        // Start near a word boundary so that windows straddle it.
        uint256 nextWord = ((block.timestamp / 1 hours + 30) / 256 + 1) * 256;
        vm.warp(nextWord * 1 hours - 30 hours);
        uint256 base = block.timestamp / 1 hours;
        firstAhead = bound(firstAhead, 1, 60);
        secondAhead = bound(secondAhead, 1, 60);
        firstLength = bound(firstLength, 1, 24);
        secondLength = bound(secondLength, 1, 24);
        uint256 first = _openHours(firstAhead, firstLength);
        uint256 second = _openHours(secondAhead, secondLength);
        _commit(first, 0, 1);
        for (uint256 h = base; h < base + 90; ++h) {
            bool inside = h >= base + firstAhead && h < base + firstAhead + firstLength;
            assertEq(market.deviceHourBooked(batteries[0], h) ? 1 : 0, inside ? 1 : 0, "booked hour");
        }
        uint256 overlapStart = firstAhead > secondAhead ? firstAhead : secondAhead;
        uint256 firstEnd = firstAhead + firstLength;
        uint256 secondEnd = secondAhead + secondLength;
        uint256 overlapEnd = firstEnd < secondEnd ? firstEnd : secondEnd;
        if (overlapStart < overlapEnd) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IFlexibilityMarket.FlexibilityDeviceBusy.selector,
                    batteries[0],
                    base + overlapStart
                )
            );
            _commit(second, 0, 1);
        } else {
            _commit(second, 0, 1);
            for (uint256 h = base + secondAhead; h < base + secondEnd; ++h) {
                assertTrue(market.deviceHourBooked(batteries[0], h), "second booked");
            }
        }
    }

    function _openHours(uint256 hoursAhead, uint256 length) private returns (uint256) {
        IFlexibilityMarket.RequestTerms memory terms = _terms(hoursAhead, 1_000_000);
        terms.windowEnd = terms.windowStart + uint64(length * 1 hours);
        terms.commitDeadline = uint64(block.timestamp);
        terms.settlementDeadline = terms.windowEnd + 1 days;
        vm.prank(buyer);
        return market.openRequest(terms);
    }

    function testFuzz_settle_conservesEscrowAndStake(uint96 capacityW, uint256 deliveredWh) public {
        capacityW = uint96(bound(capacityW, 1, BATTERY_W));
        // Up to what the battery can export over the 2-hour window, which is twice the most a commitment is paid for.
        deliveredWh = bound(deliveredWh, 0, 2 * uint256(BATTERY_W));
        uint256 requestId = _open(BATTERY_W);
        uint256 commitmentId = _commit(requestId, 1, capacityW);
        uint256 held = token.balanceOf(address(market));
        vm.warp(market.getRequest(requestId).windowEnd + 1);
        _settle(commitmentId, deliveredWh);
        IFlexibilityMarket.Request memory request = market.getRequest(requestId);
        assertEq(request.escrowLocked + request.stakeLocked, 0, "nothing locked");
        assertEq(market.totalClaimable(), held, "everything credited");
        assertEq(
            market.claimable(payee) + market.claimable(providers[1]) + market.claimable(buyer),
            held,
            "credited to the three parties"
        );
    }
}
