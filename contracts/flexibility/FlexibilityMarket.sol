// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IERC7572} from "../interfaces/IERC7572.sol";
import {IFlexibilityMarket} from "../interfaces/IFlexibilityMarket.sol";
import {IMeteredEnergy} from "../interfaces/IMeteredEnergy.sol";
import {IRevenueIntake} from "../interfaces/IRevenueIntake.sol";
import {ITokenMetadata} from "../interfaces/ITokenMetadata.sol";
import {FlexibilityMath} from "../libraries/FlexibilityMath.sol";
import {FlexibilityPositionMetadata} from "../metadata/FlexibilityPositionMetadata.sol";

/// @title FlexibilityMarket
/// @notice Escrowed flexibility requests, staked commitments held as ERC-1155 positions, and settlement from signed
/// meter readings or verifier attestations. Every amount owed is credited and withdrawn by its owner.
contract FlexibilityMarket is IFlexibilityMarket, ERC1155, EIP712, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IFlexibilityMarket
    bytes32 public constant BUYER_ROLE = keccak256("BUYER_ROLE");
    /// @inheritdoc IFlexibilityMarket
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");
    /// @inheritdoc IFlexibilityMarket
    bytes32 public constant DELIVERY_ATTESTATION_TYPEHASH = keccak256(
        "DeliveryAttestation(uint256 commitmentId,uint256 deliveredWh,address verifier)"
    );
    /// @inheritdoc IFlexibilityMarket
    uint256 public constant MAX_WINDOW_HOURS = 24;
    /// @inheritdoc IFlexibilityMarket
    uint256 public constant MAX_READING_TOLERANCE = 1 hours;
    /// @inheritdoc IFlexibilityMarket
    uint256 public constant MAX_ESCROW = type(uint112).max;

    uint256 private constant HOUR = 1 hours;

    IERC20 private immutable _stablecoin;
    /// @inheritdoc IFlexibilityMarket
    IMeteredEnergy public immutable meteredEnergy;
    IDeviceRegistry private immutable _registry;
    ITokenMetadata private immutable _metadata;

    /// @dev A commitment as stored, in two slots. Its stake follows from the request's terms and the capacity (see
    /// `_stakeOf`); the ids are bounded at commit (`FlexibilityIdTooLarge`).
    struct StoredCommitment {
        address provider;
        uint96 capacityW;
        address payee;
        bool settled;
        uint40 requestId;
        uint48 deviceId;
    }

    uint256 private constant MAX_REQUEST_ID = type(uint40).max;
    uint256 private constant MAX_DEVICE_ID = type(uint48).max;

    // Both counters share a slot; they grow by one per request or commitment, so 128 bits never run out.
    uint128 private _requestCount;
    uint128 private _commitmentCount;
    uint256 private _totalClaimable;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 commitmentId => StoredCommitment) private _commitments;
    mapping(address account => uint256) private _claimable;
    /// @dev Booked device-hours, 256 to a word: bit `hour % 256` of word `hour / 256`.
    mapping(uint256 deviceId => mapping(uint256 word => uint256 bits)) private _bookedHours;

    /// @param stablecoin_ The ERC-20 that escrows, stakes and payouts are in.
    /// @param meteredEnergy_ The kWh token whose readings prove delivery (its registry lists the devices).
    /// @param admin The account that grants and revokes the buyer and verifier roles.
    constructor(
        IERC20 stablecoin_,
        IMeteredEnergy meteredEnergy_,
        address admin
    ) ERC1155("") EIP712("Joulestack Flexibility Market", "1") {
        _stablecoin = stablecoin_;
        meteredEnergy = meteredEnergy_;
        _registry = meteredEnergy_.registry();
        _metadata = new FlexibilityPositionMetadata();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IFlexibilityMarket
    function openRequest(
        RequestTerms calldata terms
    ) external nonReentrant onlyRole(BUYER_ROLE) returns (uint256 requestId) {
        uint256 windowHours = _checkTerms(terms);
        uint256 escrow = FlexibilityMath.maxEnergyWh(terms.capacityW, windowHours) * terms.pricePerWh;
        // The stakes of a request's commitments add up to at most its escrow plus one unit each (rounded up), so
        // both fit in the 128 bits they are kept in.
        if (escrow > MAX_ESCROW) revert FlexibilityEscrowTooLarge(escrow, MAX_ESCROW);

        requestId = ++_requestCount;
        _requests[requestId] = Request({
            buyer: msg.sender,
            // Every time is at most the settlement deadline, checked to fit 40 bits.
            windowStart: uint40(terms.windowStart),
            windowEnd: uint40(terms.windowEnd),
            commitDeadline: uint40(terms.commitDeadline),
            settlementDeadline: uint40(terms.settlementDeadline),
            gridZone: terms.gridZone,
            direction: terms.direction,
            stakeBps: terms.stakeBps,
            readingTolerance: terms.readingTolerance,
            unsettled: 0,
            escrowReturned: false,
            capacityW: terms.capacityW,
            committedW: 0,
            pricePerWh: terms.pricePerWh,
            escrowLocked: uint128(escrow),
            stakeLocked: 0
        });
        emit RequestOpened(requestId, msg.sender, terms.gridZone, terms, escrow);

        _pullExactly(msg.sender, escrow);
    }

    /// @inheritdoc IFlexibilityMarket
    function commit(
        uint256 requestId,
        uint256 deviceId,
        uint96 capacityW,
        address payee
    ) external nonReentrant returns (uint256 commitmentId) {
        // A trillion requests and 281 trillion devices: more than any market holds, and the commitment stays in
        // two slots. Ids above are refused before anything is read.
        if (requestId > MAX_REQUEST_ID) revert FlexibilityIdTooLarge(requestId, MAX_REQUEST_ID);
        if (deviceId > MAX_DEVICE_ID) revert FlexibilityIdTooLarge(deviceId, MAX_DEVICE_ID);
        Request storage request = _existingRequest(requestId);
        if (block.timestamp > request.commitDeadline) {
            revert FlexibilityCommitmentClosed(requestId, request.commitDeadline, block.timestamp);
        }
        if (capacityW == 0 || payee == address(0)) revert FlexibilityInvalidCommitment(capacityW, payee);
        _checkDevice(request, deviceId, capacityW);
        uint256 remainingW = request.capacityW - request.committedW;
        if (capacityW > remainingW) revert FlexibilityExceedsRequestCapacity(requestId, remainingW, capacityW);

        uint256 stake = _stakeOf(request, capacityW);

        commitmentId = ++_commitmentCount;
        _book(deviceId, request.windowStart / HOUR, request.windowEnd / HOUR);
        // Bounded by capacityW <= remainingW above.
        unchecked {
            request.committedW += capacityW;
        }
        ++request.unsettled;
        // stakeLocked <= escrow + unsettled < 2^113 (see openRequest).
        request.stakeLocked += uint128(stake);
        // Both ids were bounded above.
        _commitments[commitmentId] = StoredCommitment({
            provider: msg.sender,
            capacityW: capacityW,
            payee: payee,
            settled: false,
            requestId: uint40(requestId),
            deviceId: uint48(deviceId)
        });
        emit CommitmentMade(commitmentId, requestId, deviceId, msg.sender, payee, capacityW, stake);

        _pullExactly(msg.sender, stake);
        _mint(msg.sender, commitmentId, capacityW, "");
    }

    /// @inheritdoc IFlexibilityMarket
    function setPayee(uint256 commitmentId, address payee) external {
        StoredCommitment storage commitment = _openCommitment(commitmentId);
        if (msg.sender != commitment.provider) revert FlexibilityNotProvider(commitmentId, msg.sender);
        if (payee == address(0)) revert FlexibilityInvalidCommitment(commitment.capacityW, payee);
        commitment.payee = payee;
        emit PayeeChanged(commitmentId, payee);
    }

    /// @inheritdoc IFlexibilityMarket
    function settleWithReadings(
        uint256 commitmentId,
        IMeteredEnergy.MeterReading calldata startReading,
        bytes calldata startSignature,
        IMeteredEnergy.MeterReading calldata endReading,
        bytes calldata endSignature
    ) external nonReentrant {
        StoredCommitment storage commitment = _openCommitment(commitmentId);
        Request storage request = _requests[commitment.requestId];
        _checkSettlementTime(commitmentId, request);
        if (request.direction != Direction.Export) revert FlexibilityWrongProof(commitmentId, request.direction);

        uint256 deviceId = commitment.deviceId;
        if (startReading.deviceId != deviceId) {
            revert FlexibilityReadingWrongDevice(commitmentId, deviceId, startReading.deviceId);
        }
        if (endReading.deviceId != deviceId) {
            revert FlexibilityReadingWrongDevice(commitmentId, deviceId, endReading.deviceId);
        }
        _checkInsideWindow(request, startReading.timestamp, endReading.timestamp);
        if (endReading.cumulativeWh < startReading.cumulativeWh) {
            revert FlexibilityReadingCounterDecreased(deviceId, startReading.cumulativeWh, endReading.cumulativeWh);
        }
        IDeviceRegistry.MeteringProfile memory profile = _registry.meteringProfile(deviceId);
        if (profile.status != IDeviceRegistry.DeviceStatus.Active) revert FlexibilityDeviceInactive(deviceId);
        // Both readings pass the kWh ledger's own acceptance rules (token not paused, device active since before
        // the reading, signer in force at the reading's time, under the token's chain and contract) and are
        // consistent with the readings the ledger accepted, which must already have passed the window's end.
        meteredEnergy.verifyReading(startReading, startSignature);
        meteredEnergy.verifyReading(endReading, endSignature);
        emit DeliveryMeasured(
            commitmentId,
            deviceId,
            startReading.timestamp,
            endReading.timestamp,
            startReading.cumulativeWh,
            endReading.cumulativeWh
        );

        _settle(commitmentId, commitment, request, endReading.cumulativeWh - startReading.cumulativeWh);
    }

    /// @inheritdoc IFlexibilityMarket
    function settleWithAttestation(
        DeliveryAttestation calldata attestation,
        bytes calldata signature
    ) external nonReentrant {
        uint256 commitmentId = attestation.commitmentId;
        StoredCommitment storage commitment = _openCommitment(commitmentId);
        Request storage request = _requests[commitment.requestId];
        _checkSettlementTime(commitmentId, request);
        if (request.direction != Direction.ConsumeLess) revert FlexibilityWrongProof(commitmentId, request.direction);
        // The attestation names its verifier, so a contract verifier (ERC-1271) is checked like a key.
        address verifier = attestation.verifier;
        if (!hasRole(VERIFIER_ROLE, verifier)) revert FlexibilityUnauthorizedVerifier(verifier);
        if (!SignatureChecker.isValidSignatureNowCalldata(verifier, attestationDigest(attestation), signature)) {
            revert FlexibilityInvalidAttestationSignature(commitmentId, verifier);
        }

        _settle(commitmentId, commitment, request, attestation.deliveredWh);
    }

    /// @inheritdoc IFlexibilityMarket
    function expire(uint256 commitmentId) external nonReentrant {
        StoredCommitment storage commitment = _openCommitment(commitmentId);
        Request storage request = _requests[commitment.requestId];
        if (block.timestamp <= request.settlementDeadline) {
            revert FlexibilityNotExpired(commitmentId, request.settlementDeadline, block.timestamp);
        }
        _settle(commitmentId, commitment, request, 0);
    }

    /// @inheritdoc IFlexibilityMarket
    function returnEscrow(uint256 requestId) external nonReentrant {
        Request storage request = _existingRequest(requestId);
        if (request.escrowReturned) revert FlexibilityEscrowAlreadyReturned(requestId);
        if (request.unsettled != 0 || block.timestamp <= request.commitDeadline) {
            revert FlexibilityRequestNotFinished(requestId, request.unsettled, request.commitDeadline);
        }
        _returnEscrow(requestId, request);
    }

    /// @inheritdoc IFlexibilityMarket
    function claim(address to) external nonReentrant {
        uint256 amount = _takeClaimable(msg.sender);
        emit Claimed(msg.sender, to, amount);
        _stablecoin.safeTransfer(to, amount);
    }

    /// @inheritdoc IFlexibilityMarket
    function payRevenue(IRevenueIntake intake) external nonReentrant {
        address asset = intake.revenueAsset();
        if (asset != address(_stablecoin)) revert FlexibilityRevenueAssetMismatch(address(intake), asset);
        uint256 amount = _takeClaimable(address(intake));
        emit RevenuePaid(address(intake), amount);

        uint256 balanceBefore = _stablecoin.balanceOf(address(this));
        _stablecoin.forceApprove(address(intake), amount);
        intake.receiveRevenue(IRevenueIntake.RevenueSource.Flexibility, amount);
        _stablecoin.forceApprove(address(intake), 0);
        uint256 pulled = balanceBefore - _stablecoin.balanceOf(address(this));
        if (pulled != amount) revert FlexibilityTransferShortfall(amount, pulled);
    }

    /// @inheritdoc IFlexibilityMarket
    function stablecoin() external view returns (address) {
        return address(_stablecoin);
    }

    /// @inheritdoc IFlexibilityMarket
    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _existingRequest(requestId);
    }

    /// @inheritdoc IFlexibilityMarket
    function getCommitment(uint256 commitmentId) external view returns (Commitment memory) {
        StoredCommitment storage stored = _existingCommitment(commitmentId);
        return
            Commitment({
                requestId: stored.requestId,
                deviceId: stored.deviceId,
                provider: stored.provider,
                payee: stored.payee,
                capacityW: stored.capacityW,
                settled: stored.settled,
                stake: _stakeOf(_requests[stored.requestId], stored.capacityW)
            });
    }

    /// @inheritdoc IFlexibilityMarket
    function requestCount() external view returns (uint256) {
        return _requestCount;
    }

    /// @inheritdoc IFlexibilityMarket
    function commitmentCount() external view returns (uint256) {
        return _commitmentCount;
    }

    /// @inheritdoc IFlexibilityMarket
    function claimable(address account) external view returns (uint256) {
        return _claimable[account];
    }

    /// @inheritdoc IFlexibilityMarket
    function totalClaimable() external view returns (uint256) {
        return _totalClaimable;
    }

    /// @inheritdoc IFlexibilityMarket
    function deviceHourBooked(uint256 deviceId, uint256 hourIndex) external view returns (bool) {
        return (_bookedHours[deviceId][hourIndex >> 8] >> (hourIndex & 0xff)) & 1 == 1;
    }

    /// @inheritdoc IFlexibilityMarket
    function attestationDigest(DeliveryAttestation calldata attestation) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        DELIVERY_ATTESTATION_TYPEHASH,
                        attestation.commitmentId,
                        attestation.deliveredWh,
                        attestation.verifier
                    )
                )
            );
    }

    /// @notice On-chain JSON metadata of a flexibility position, rendered by the metadata contract this market
    /// created (see {FlexibilityPositionMetadata}).
    /// @param id The token id.
    function uri(uint256 id) public view override returns (string memory) {
        return _metadata.uri(id);
    }

    /// @inheritdoc IERC7572
    function contractURI() external view returns (string memory) {
        return _metadata.contractURI();
    }

    /// @inheritdoc ERC1155
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /// @dev Positions are minted at commitment and burned at settlement; they never move in between.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        if (from != address(0) && to != address(0)) revert FlexibilityPositionNonTransferable(ids[0]);
        super._update(from, to, ids, values);
    }

    /// @dev Books the outcome of a commitment, burns its position and, if it was the request's last, returns the
    /// unused escrow. Only credits ledger balances, so no recipient can block it.
    function _settle(
        uint256 commitmentId,
        StoredCommitment storage commitment,
        Request storage request,
        uint256 deliveredWh
    ) private {
        uint256 capWh = FlexibilityMath.maxEnergyWh(
            commitment.capacityW,
            (request.windowEnd - request.windowStart) / HOUR
        );
        uint256 stake = _stakeOf(request, commitment.capacityW);
        (uint256 payout, uint256 slashed, uint256 returned) = FlexibilityMath.settle(
            capWh,
            deliveredWh,
            request.pricePerWh,
            stake
        );

        commitment.settled = true;
        --request.unsettled;
        // payout <= the commitment's share of the escrow and stake <= stakeLocked, both below 2^128.
        request.escrowLocked -= uint128(payout);
        request.stakeLocked -= uint128(stake);
        _credit(commitment.payee, payout);
        _credit(request.buyer, slashed);
        _credit(commitment.provider, returned);
        _burn(commitment.provider, commitmentId, commitment.capacityW);
        emit CommitmentSettled(commitmentId, commitment.requestId, deliveredWh, payout, slashed, returned);

        if (request.unsettled == 0) _returnEscrow(commitment.requestId, request);
    }

    function _returnEscrow(uint256 requestId, Request storage request) private {
        uint256 refund = request.escrowLocked;
        request.escrowLocked = 0;
        request.escrowReturned = true;
        _credit(request.buyer, refund);
        emit EscrowReturned(requestId, request.buyer, refund);
    }

    /// @dev The stake a commitment of `capacityW` posts: its share of the maximum payout, rounded up. The terms never
    /// change after the request opens, so this is the stake posted at commit, derived instead of stored.
    function _stakeOf(Request storage request, uint96 capacityW) private view returns (uint256) {
        uint256 windowHours = (request.windowEnd - request.windowStart) / HOUR;
        uint256 maxPayout = FlexibilityMath.maxEnergyWh(capacityW, windowHours) * request.pricePerWh;
        return FlexibilityMath.stakeUp(maxPayout, request.stakeBps);
    }

    /// @dev Books the device for hours [firstHour, endHour), a word at a time; reverts if any is already booked.
    function _book(uint256 deviceId, uint256 firstHour, uint256 endHour) private {
        mapping(uint256 word => uint256 bits) storage booked = _bookedHours[deviceId];
        uint256 hourIndex = firstHour;
        while (hourIndex < endHour) {
            uint256 word = hourIndex >> 8;
            // The hours of this window that fall in this word: bits [hourIndex % 256, min(endHour, next word) % 256).
            uint256 wordEnd = (word + 1) << 8;
            uint256 last = endHour < wordEnd ? endHour : wordEnd;
            uint256 mask = ((1 << (last - hourIndex)) - 1) << (hourIndex & 0xff);
            uint256 bits = booked[word];
            uint256 clash = bits & mask;
            if (clash != 0) revert FlexibilityDeviceBusy(deviceId, (word << 8) + _lowestBit(clash));
            booked[word] = bits | mask;
            hourIndex = last;
        }
    }

    function _credit(address account, uint256 amount) private {
        _claimable[account] += amount;
        _totalClaimable += amount;
    }

    function _takeClaimable(address account) private returns (uint256 amount) {
        amount = _claimable[account];
        if (amount == 0) revert FlexibilityNothingToClaim(account);
        _claimable[account] = 0;
        _totalClaimable -= amount;
    }

    /// @dev Pulls `amount` from `from` and checks that all of it arrived, which rejects fee-on-transfer tokens.
    function _pullExactly(address from, uint256 amount) private {
        uint256 balanceBefore = _stablecoin.balanceOf(address(this));
        _stablecoin.safeTransferFrom(from, address(this), amount);
        uint256 received = _stablecoin.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert FlexibilityTransferShortfall(amount, received);
    }

    function _checkTerms(RequestTerms calldata terms) private view returns (uint256 windowHours) {
        if (terms.windowStart <= block.timestamp) revert FlexibilityWindowInPast(terms.windowStart, block.timestamp);
        if (
            terms.windowStart % HOUR != 0 ||
            terms.windowEnd % HOUR != 0 ||
            terms.windowEnd <= terms.windowStart ||
            terms.windowEnd - terms.windowStart > MAX_WINDOW_HOURS * HOUR
        ) {
            revert FlexibilityInvalidWindow(terms.windowStart, terms.windowEnd);
        }
        if (
            terms.commitDeadline > terms.windowStart ||
            terms.settlementDeadline < uint256(terms.windowEnd) + terms.readingTolerance
        ) {
            revert FlexibilityInvalidDeadlines(terms.commitDeadline, terms.settlementDeadline);
        }
        // commitDeadline <= windowStart < windowEnd <= settlementDeadline (checked above), so this bounds them all.
        if (terms.settlementDeadline > type(uint40).max) {
            revert FlexibilityDeadlineTooLate(terms.settlementDeadline, type(uint40).max);
        }
        if (
            terms.capacityW == 0 ||
            terms.pricePerWh == 0 ||
            terms.stakeBps > FlexibilityMath.BPS ||
            terms.readingTolerance > MAX_READING_TOLERANCE
        ) {
            revert FlexibilityInvalidTerms(terms.capacityW, terms.pricePerWh, terms.stakeBps, terms.readingTolerance);
        }
        return (terms.windowEnd - terms.windowStart) / HOUR;
    }

    function _checkDevice(Request storage request, uint256 deviceId, uint96 capacityW) private view {
        // Two lean reads (the source reverts for an unknown device) instead of the whole record with its metadata.
        (IDeviceRegistry.DeviceKind kind, bytes32 gridZone) = _registry.deviceSource(deviceId);
        IDeviceRegistry.MeteringProfile memory device = _registry.meteringProfile(deviceId);
        if (device.owner != msg.sender) revert FlexibilityNotDeviceOwner(deviceId, device.owner, msg.sender);
        if (device.status != IDeviceRegistry.DeviceStatus.Active) revert FlexibilityDeviceInactive(deviceId);
        if (gridZone != request.gridZone) revert FlexibilityWrongZone(deviceId, gridZone, request.gridZone);
        if (!_canDeliver(kind, request.direction)) {
            revert FlexibilityWrongDeviceKind(deviceId, uint8(kind), request.direction);
        }
        if (capacityW > device.capacityW)
            revert FlexibilityExceedsDeviceCapacity(deviceId, device.capacityW, capacityW);
    }

    /// @dev The measured interval must lie inside the window, so it only holds device-hours that this commitment
    /// reserved at commit (and no other commitment can): no metered Wh proves two deliveries.
    function _checkInsideWindow(Request storage request, uint64 startTimestamp, uint64 endTimestamp) private view {
        uint256 tolerance = request.readingTolerance;
        if (
            startTimestamp < request.windowStart ||
            startTimestamp > request.windowStart + tolerance ||
            endTimestamp > request.windowEnd ||
            endTimestamp + tolerance < request.windowEnd ||
            startTimestamp >= endTimestamp
        ) {
            revert FlexibilityReadingsDoNotBracket(
                startTimestamp,
                endTimestamp,
                request.windowStart,
                request.windowEnd
            );
        }
    }

    function _checkSettlementTime(uint256 commitmentId, Request storage request) private view {
        if (block.timestamp < request.windowEnd) {
            revert FlexibilityWindowNotOver(commitmentId, request.windowEnd, block.timestamp);
        }
        if (block.timestamp > request.settlementDeadline) {
            revert FlexibilitySettlementDeadlinePassed(commitmentId, request.settlementDeadline, block.timestamp);
        }
    }

    function _existingRequest(uint256 requestId) private view returns (Request storage request) {
        request = _requests[requestId];
        if (request.buyer == address(0)) revert FlexibilityUnknownRequest(requestId);
    }

    function _existingCommitment(uint256 commitmentId) private view returns (StoredCommitment storage commitment) {
        commitment = _commitments[commitmentId];
        if (commitment.provider == address(0)) revert FlexibilityUnknownCommitment(commitmentId);
    }

    function _openCommitment(uint256 commitmentId) private view returns (StoredCommitment storage commitment) {
        commitment = _existingCommitment(commitmentId);
        if (commitment.settled) revert FlexibilityAlreadySettled(commitmentId);
    }

    /// @dev The index of the lowest set bit of a non-zero word.
    function _lowestBit(uint256 bits) private pure returns (uint256 index) {
        while (bits & 1 == 0) {
            bits >>= 1;
            ++index;
        }
    }

    /// @dev Export needs a device that can push energy on demand: storage or dispatchable renewables. Consuming
    /// less needs a load: a flexible load, or a battery that charges less.
    function _canDeliver(IDeviceRegistry.DeviceKind kind, Direction direction) private pure returns (bool) {
        if (direction == Direction.Export) {
            return
                kind == IDeviceRegistry.DeviceKind.Battery ||
                kind == IDeviceRegistry.DeviceKind.Hydro ||
                kind == IDeviceRegistry.DeviceKind.Biomass;
        }
        return kind == IDeviceRegistry.DeviceKind.FlexibleLoad || kind == IDeviceRegistry.DeviceKind.Battery;
    }
}
