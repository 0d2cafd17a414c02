// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IComputeMarket} from "../interfaces/IComputeMarket.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../interfaces/IRenewableCertificates.sol";
import {IRevenueIntake} from "../interfaces/IRevenueIntake.sol";
import {ITestStablecoin} from "../interfaces/ITestStablecoin.sol";
import {ComputeMath} from "../libraries/ComputeMath.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {EnergyIds} from "../libraries/EnergyIds.sol";
import {GridZones} from "../libraries/GridZones.sol";

/// @title Joulestack compute market
/// @notice Sells GPU-hour credits (ERC-1155, one id per cluster and delivery window) for a stablecoin, lets holders
/// redeem them for jobs, and records each window's delivery with the kWh burned and RECs retired behind it.
contract ComputeMarket is IComputeMarket, ERC1155, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IComputeMarket
    uint64 public constant MAX_WINDOW_HOURS = 744; // 31 days
    /// @inheritdoc IComputeMarket
    uint64 public constant DELIVERY_PERIOD = 7 days;
    /// @inheritdoc IComputeMarket
    bytes32 public constant PURCHASE_TYPEHASH = keccak256(
        "Purchase(address market,uint256 creditId,uint64 gpuHours,address receiver,uint256 value,bytes32 salt)"
    );

    IERC20 private immutable _stablecoin;
    IMeteredEnergy private immutable _energy;
    IRenewableCertificates private immutable _certificates;
    uint256 private immutable _whPerRec;

    uint256 private _clusterCount;
    mapping(uint256 clusterId => Cluster) private _clusters;
    mapping(uint256 creditId => Window) private _windows;
    mapping(uint256 creditId => mapping(address holder => uint64 gpuHours)) private _redeemedBy;
    mapping(address payee => uint256 amount) private _directProceeds;
    mapping(address payee => uint256 amount) private _intakeProceeds;

    /// @param stablecoin_ The stablecoin credits are sold for and bonds are posted in.
    /// @param energy_ The kWh token.
    /// @param certificates_ The REC token.
    /// @param uri_ The ERC-1155 metadata URI template (`{id}` is replaced by clients).
    constructor(
        IERC20 stablecoin_,
        IMeteredEnergy energy_,
        IRenewableCertificates certificates_,
        string memory uri_
    ) ERC1155(uri_) {
        _stablecoin = stablecoin_;
        _energy = energy_;
        _certificates = certificates_;
        _whPerRec = certificates_.WH_PER_CERTIFICATE();
    }

    modifier onlyProvider(uint256 clusterId) {
        _checkProvider(clusterId);
        _;
    }

    // --- clusters ---

    /// @inheritdoc IComputeMarket
    function registerCluster(ClusterRegistration calldata registration) external returns (uint256 clusterId) {
        if (bytes(registration.gpuClass).length == 0) revert ComputeEmptyGpuClass();
        if (registration.gpuCount == 0) revert ComputeZeroGpuCount();
        if (registration.minWhPerGpuHour == 0 || registration.minWhPerGpuHour > registration.maxWhPerGpuHour) {
            revert ComputeInvalidEnergyBounds(registration.minWhPerGpuHour, registration.maxWhPerGpuHour);
        }
        if (!GridZones.isValid(registration.gridZone)) revert ComputeInvalidGridZone(registration.gridZone);
        if (registration.operator == address(0)) revert ComputeInvalidOperator(address(0));
        _checkPayout(registration.payout, registration.payoutIsIntake);

        clusterId = ++_clusterCount;
        Cluster storage cluster = _clusters[clusterId];
        cluster.provider = msg.sender;
        cluster.operator = registration.operator;
        cluster.payout = registration.payout;
        cluster.payoutIsIntake = registration.payoutIsIntake;
        cluster.gpuCount = registration.gpuCount;
        cluster.minWhPerGpuHour = registration.minWhPerGpuHour;
        cluster.maxWhPerGpuHour = registration.maxWhPerGpuHour;
        cluster.gridZone = registration.gridZone;
        cluster.gpuClass = registration.gpuClass;

        emit ClusterRegistered(
            clusterId,
            msg.sender,
            registration.operator,
            registration.gpuClass,
            registration.gpuCount,
            registration.gridZone,
            registration.minWhPerGpuHour,
            registration.maxWhPerGpuHour
        );
        emit ClusterPayoutChanged(clusterId, registration.payout, registration.payoutIsIntake);
    }

    /// @inheritdoc IComputeMarket
    function setOperator(uint256 clusterId, address operator) external onlyProvider(clusterId) {
        if (operator == address(0)) revert ComputeInvalidOperator(address(0));
        address previous = _clusters[clusterId].operator;
        _clusters[clusterId].operator = operator;
        emit ClusterOperatorChanged(clusterId, previous, operator);
    }

    /// @inheritdoc IComputeMarket
    function setPayout(uint256 clusterId, address payout, bool payoutIsIntake) external onlyProvider(clusterId) {
        _checkPayout(payout, payoutIsIntake);
        Cluster storage cluster = _clusters[clusterId];
        cluster.payout = payout;
        cluster.payoutIsIntake = payoutIsIntake;
        emit ClusterPayoutChanged(clusterId, payout, payoutIsIntake);
    }

    /// @inheritdoc IComputeMarket
    function postBond(uint256 clusterId, uint256 amount) external nonReentrant {
        _checkCluster(clusterId);
        if (amount == 0) revert ComputeZeroAmount();
        _clusters[clusterId].bondFree += amount;
        emit BondPosted(clusterId, msg.sender, amount);
        _pull(msg.sender, amount);
    }

    /// @inheritdoc IComputeMarket
    function withdrawBond(uint256 clusterId, uint256 amount, address to) external nonReentrant onlyProvider(clusterId) {
        if (amount == 0) revert ComputeZeroAmount();
        Cluster storage cluster = _clusters[clusterId];
        uint256 free = cluster.bondFree;
        if (amount > free) revert ComputeBondInsufficient(clusterId, free, amount);
        // amount <= free, checked above.
        unchecked {
            cluster.bondFree = free - amount;
        }
        emit BondWithdrawn(clusterId, to, amount);
        _stablecoin.safeTransfer(to, amount);
    }

    // --- windows and credits ---

    /// @inheritdoc IComputeMarket
    function offerWindow(
        uint256 clusterId,
        uint64 start,
        uint64 hoursLong,
        uint128 pricePerGpuHour
    ) external onlyProvider(clusterId) returns (uint256 id) {
        Cluster storage cluster = _clusters[clusterId];
        if (start % ComputeMath.HOUR != 0) revert ComputeWindowNotHourAligned(start);
        if (hoursLong == 0 || hoursLong > MAX_WINDOW_HOURS) {
            revert ComputeWindowInvalidLength(hoursLong, MAX_WINDOW_HOURS);
        }
        if (start <= block.timestamp) revert ComputeWindowStartsInPast(start, block.timestamp);
        if (start < cluster.offeredUntil) revert ComputeWindowOverlaps(clusterId, start, cluster.offeredUntil);
        if (pricePerGpuHour == 0) revert ComputeZeroPrice();

        // hoursLong <= 744 and start is a uint64 below 2^64 - 744 hours in any realistic time; checked arithmetic
        // still guards the cast below.
        uint64 end = start + hoursLong * uint64(ComputeMath.HOUR);
        uint64 capacity = uint64(ComputeMath.capacityGpuHours(cluster.gpuCount, hoursLong));
        id = ComputeMath.creditId(clusterId, start);
        cluster.offeredUntil = end;
        Window storage window = _windows[id];
        window.start = start;
        window.end = end;
        window.pricePerGpuHour = pricePerGpuHour;
        window.capacity = capacity;
        // capacity = gpuCount * hoursLong < 2^32 * 2^10.
        window.redeemCap = uint48(capacity);
        emit WindowOffered(id, clusterId, start, end, capacity, pricePerGpuHour);
    }

    /// @inheritdoc IComputeMarket
    function buy(uint256 id, uint64 gpuHours, address receiver) external nonReentrant returns (uint256 cost) {
        return _buy(id, gpuHours, receiver);
    }

    /// @inheritdoc IComputeMarket
    function buyWithAuthorization(
        uint256 id,
        uint64 gpuHours,
        address receiver,
        bytes32 salt,
        address buyer,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes calldata signature
    ) external nonReentrant returns (uint256 cost) {
        // The window's price is fixed when it is offered, so the buyer signs the exact cost.
        cost = ComputeMath.cost(gpuHours, _existingWindow(id).pricePerGpuHour);
        if (cost != value) revert ComputeAuthorizationValueMismatch(id, cost, value);
        bytes32 nonce = purchaseNonce(id, gpuHours, receiver, value, salt);
        _checkAuthorizationSupport(buyer, nonce);
        _sell(id, gpuHours, buyer, receiver);

        uint256 balanceBefore = _stablecoin.balanceOf(address(this));
        ITestStablecoin(address(_stablecoin)).receiveWithAuthorization(
            buyer,
            address(this),
            value,
            validAfter,
            validBefore,
            nonce,
            signature
        );
        _checkReceived(balanceBefore, cost);
        _mint(receiver, id, gpuHours, "");
    }

    /// @inheritdoc IComputeMarket
    function buyWithPermit(
        uint256 id,
        uint64 gpuHours,
        address receiver,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 cost) {
        uint256 price = ComputeMath.cost(gpuHours, _windows[id].pricePerGpuHour);
        // A permit that fails (already used by a front-runner, or expired) falls back to the existing allowance.
        try IERC20Permit(address(_stablecoin)).permit(msg.sender, address(this), price, deadline, v, r, s) {} catch {}
        return _buy(id, gpuHours, receiver);
    }

    /// @inheritdoc IComputeMarket
    function redeem(address from, uint256 id, uint64 gpuHours, bytes32 jobReference) external nonReentrant {
        if (from != msg.sender && !isApprovedForAll(from, msg.sender)) {
            revert ERC1155MissingApprovalForAll(msg.sender, from);
        }
        if (gpuHours == 0) revert ComputeZeroAmount();
        Window storage window = _existingWindow(id);
        if (block.timestamp >= window.end) revert ComputeCreditsExpired(id, window.end, block.timestamp);
        (uint256 clusterId, ) = ComputeMath.decodeCreditId(id);
        uint256 servable = _servable(window, _clusters[clusterId].gpuCount);
        if (gpuHours > servable) revert ComputeRedemptionExceedsServable(id, gpuHours, servable, block.timestamp);

        // servable <= redeemCap < 2^48 (checked above); redeemed <= sold <= capacity < 2^64, and the burn below
        // reverts if the holder lacks the credits.
        unchecked {
            window.redeemCap = uint48(servable - gpuHours);
        }
        window.redeemed += gpuHours;
        _redeemedBy[id][from] += gpuHours;
        _burn(from, id, gpuHours);
        emit CreditsRedeemed(id, from, jobReference, gpuHours);
    }

    // --- delivery and refunds ---

    /// @inheritdoc IComputeMarket
    function recordDelivery(uint256 id, DeliveryReport calldata report) external nonReentrant {
        (uint256 clusterId, ) = ComputeMath.decodeCreditId(id);
        Window storage window = _existingWindow(id);
        Cluster storage cluster = _clusters[clusterId];
        if (msg.sender != cluster.operator && msg.sender != cluster.provider) {
            revert ComputeNotOperator(clusterId, msg.sender);
        }
        _checkDeliverable(id, window, report);
        _checkEnergyBounds(id, cluster, report);
        (uint256 whHourly, uint256 whRec) = _attribute(id, window, cluster, report);
        _recordLot(id, clusterId, window, report, whHourly, whRec);
        _drawEnergy(id, cluster, report);
    }

    /// @inheritdoc IComputeMarket
    function lapseDelivery(uint256 id) external {
        (uint256 clusterId, ) = ComputeMath.decodeCreditId(id);
        Window storage window = _existingWindow(id);
        if (window.settled) revert ComputeDeliveryAlreadyRecorded(id);
        uint256 deadline = uint256(window.end) + DELIVERY_PERIOD;
        if (block.timestamp <= deadline) revert ComputeDeliveryPeriodNotOver(id, deadline, block.timestamp);
        _settle(id, clusterId, window, 0);
        emit DeliveryLapsed(id, clusterId, window.redeemed);
    }

    /// @inheritdoc IComputeMarket
    function claimRefund(uint256 id, address holder) external nonReentrant returns (uint256 amount) {
        Window storage window = _existingWindow(id);
        if (!window.settled) revert ComputeWindowNotSettled(id);
        uint64 holderRedeemed = _redeemedBy[id][holder];
        // Nothing is owed when every redeemed GPU-hour was delivered (unclaimedRedeemed was set to zero).
        if (holderRedeemed == 0 || window.unclaimedRedeemed == 0) revert ComputeNothingToRefund(id, holder);

        amount = _refundOf(window, holderRedeemed);
        delete _redeemedBy[id][holder];
        // Each holder's redeemed GPU-hours were counted into unclaimedRedeemed at settlement, and a share of the bond
        // held, rounded down, is at most all of it (all of it for the last claim).
        unchecked {
            window.unclaimedRedeemed -= holderRedeemed;
            window.bondHeld -= uint128(amount);
        }
        emit RefundPaid(id, holder, amount);
        if (amount != 0) _stablecoin.safeTransfer(holder, amount);
    }

    /// @inheritdoc IComputeMarket
    function pushProceeds(address payee) external nonReentrant returns (uint256 amount) {
        uint256 direct = _directProceeds[payee];
        uint256 viaIntake = _intakeProceeds[payee];
        if (direct == 0 && viaIntake == 0) revert ComputeNothingToClaim(payee);
        delete _directProceeds[payee];
        delete _intakeProceeds[payee];
        amount = direct + viaIntake;
        if (direct != 0) {
            emit ProceedsPaid(payee, payee, direct, false);
            _stablecoin.safeTransfer(payee, direct);
        }
        if (viaIntake != 0) {
            emit ProceedsPaid(payee, payee, viaIntake, true);
            uint256 balanceBefore = _stablecoin.balanceOf(address(this));
            _stablecoin.forceApprove(payee, viaIntake);
            IRevenueIntake(payee).receiveRevenue(IRevenueIntake.RevenueSource.Compute, viaIntake);
            _stablecoin.forceApprove(payee, 0);
            // An intake that pulls less (or more) than it was paid would leave the books and the balance apart.
            uint256 balanceAfter = _stablecoin.balanceOf(address(this));
            uint256 pulled = balanceBefore > balanceAfter ? balanceBefore - balanceAfter : 0;
            if (pulled != viaIntake) revert ComputeTransferShortfall(viaIntake, pulled);
        }
    }

    /// @inheritdoc IComputeMarket
    function claimProceeds(address to) external nonReentrant returns (uint256 amount) {
        amount = _directProceeds[msg.sender] + _intakeProceeds[msg.sender];
        if (amount == 0) revert ComputeNothingToClaim(msg.sender);
        delete _directProceeds[msg.sender];
        delete _intakeProceeds[msg.sender];
        emit ProceedsPaid(msg.sender, to, amount, false);
        _stablecoin.safeTransfer(to, amount);
    }

    // --- views ---

    /// @inheritdoc IComputeMarket
    function WH_PER_REC() external view returns (uint256) {
        return _whPerRec;
    }

    /// @inheritdoc IComputeMarket
    function stablecoin() external view returns (address) {
        return address(_stablecoin);
    }

    /// @inheritdoc IComputeMarket
    function energy() external view returns (address) {
        return address(_energy);
    }

    /// @inheritdoc IComputeMarket
    function certificates() external view returns (address) {
        return address(_certificates);
    }

    /// @inheritdoc IComputeMarket
    function getCluster(uint256 clusterId) external view returns (Cluster memory) {
        _checkCluster(clusterId);
        return _clusters[clusterId];
    }

    /// @inheritdoc IComputeMarket
    function clusterCount() external view returns (uint256) {
        return _clusterCount;
    }

    /// @inheritdoc IComputeMarket
    function getWindow(uint256 id) external view returns (Window memory window) {
        window = _existingWindow(id);
        // Held until settlement is what sales locked from the bond, each a uint128 at most (see `_buy`).
        window.bondHeld = uint128(_bondHeld(_windows[id]));
    }

    /// @inheritdoc IComputeMarket
    function totalSupply(uint256 id) public view returns (uint256) {
        Window storage window = _windows[id];
        // Credits are minted only by sales and burned only by redemptions.
        return window.sold - window.redeemed;
    }

    /// @inheritdoc IComputeMarket
    function redeemedBy(uint256 id, address holder) external view returns (uint64) {
        return _redeemedBy[id][holder];
    }

    /// @inheritdoc IComputeMarket
    function refundOf(uint256 id, address holder) external view returns (uint256) {
        Window storage window = _windows[id];
        return window.settled ? _refundOf(window, _redeemedBy[id][holder]) : 0;
    }

    /// @inheritdoc IComputeMarket
    function redeemableNow(uint256 id) external view returns (uint256) {
        Window storage window = _existingWindow(id);
        if (block.timestamp >= window.end) return 0;
        (uint256 clusterId, ) = ComputeMath.decodeCreditId(id);
        return _servable(window, _clusters[clusterId].gpuCount);
    }

    /// @inheritdoc IComputeMarket
    function proceedsOf(address payee) external view returns (uint256 direct, uint256 viaIntake) {
        return (_directProceeds[payee], _intakeProceeds[payee]);
    }

    /// @inheritdoc IComputeMarket
    function expiredCredits(uint256 id) external view returns (uint256) {
        Window storage window = _windows[id];
        return window.end != 0 && block.timestamp >= window.end ? totalSupply(id) : 0;
    }

    /// @inheritdoc IComputeMarket
    function purchaseNonce(
        uint256 id,
        uint64 gpuHours,
        address receiver,
        uint256 value,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(abi.encode(PURCHASE_TYPEHASH, address(this), id, gpuHours, receiver, value, salt));
    }

    /// @inheritdoc IComputeMarket
    function creditId(uint256 clusterId, uint64 start) external pure returns (uint256) {
        return ComputeMath.creditId(clusterId, start);
    }

    // --- internal ---

    /// @dev Credits move freely until their window ends; after that only a burn could touch them, and none does.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        if (from != address(0) && to != address(0)) {
            for (uint256 i; i < ids.length; ++i) {
                uint64 end = _windows[ids[i]].end;
                if (block.timestamp >= end) revert ComputeCreditsExpired(ids[i], end, block.timestamp);
            }
        }
        super._update(from, to, ids, values);
    }

    // --- private ---

    function _buy(uint256 id, uint64 gpuHours, address receiver) private returns (uint256 cost) {
        cost = _sell(id, gpuHours, msg.sender, receiver);
        _pull(msg.sender, cost);
        _mint(receiver, id, gpuHours, "");
    }

    /// @dev Checks and books a sale of `gpuHours` credits of window `id` paid by `buyer`, and returns its cost; the
    /// caller then takes the payment and mints the credits.
    function _sell(uint256 id, uint64 gpuHours, address buyer, address receiver) private returns (uint256 cost) {
        if (gpuHours == 0) revert ComputeZeroAmount();
        Window storage window = _existingWindow(id);
        if (block.timestamp >= window.start) revert ComputeWindowStarted(id, window.start, block.timestamp);
        uint256 sold = window.sold;
        if (sold + gpuHours > window.capacity) {
            revert ComputeWindowOversold(id, window.capacity, sold, gpuHours);
        }
        (uint256 clusterId, ) = ComputeMath.decodeCreditId(id);
        Cluster storage cluster = _clusters[clusterId];
        cost = ComputeMath.cost(gpuHours, window.pricePerGpuHour);
        uint256 free = cluster.bondFree;
        if (cost > free) revert ComputeBondInsufficient(clusterId, free, cost);

        // cost <= free (checked); sold + gpuHours <= capacity < 2^64. The bond this locks in the window is not
        // written: until settlement it is the value of the credits sold, sold x price (see `_bondHeld`).
        unchecked {
            cluster.bondFree = free - cost;
            window.sold = uint64(sold + gpuHours);
        }
        // The proceeds accrue to the payout address and leave by pushProceeds or claimProceeds, so a payee that
        // reverts or refuses revenue (a matured vault, a blocklisted wallet) can never stop a sale.
        address payout = cluster.payout;
        bool viaIntake = cluster.payoutIsIntake;
        if (viaIntake) _intakeProceeds[payout] += cost;
        else _directProceeds[payout] += cost;
        emit CreditsSold(id, buyer, receiver, gpuHours, cost);
        emit ComputeRevenueAccrued(id, clusterId, payout, cost, viaIntake);
    }

    /// @dev Reverts with a named error unless the stablecoin answers EIP-3009's `authorizationState` with one word,
    /// so that a token without EIP-3009 (whose call would revert without data, or hit a silent fallback) fails
    /// plainly and before anything is booked.
    function _checkAuthorizationSupport(address buyer, bytes32 nonce) private view {
        (bool ok, bytes memory answer) = address(_stablecoin).staticcall(
            abi.encodeCall(ITestStablecoin.authorizationState, (buyer, nonce))
        );
        if (!ok || answer.length != 32) revert ComputeAuthorizationUnsupported(address(_stablecoin));
    }

    function _checkDeliverable(uint256 id, Window storage window, DeliveryReport calldata report) private view {
        if (window.settled) revert ComputeDeliveryAlreadyRecorded(id);
        if (block.timestamp < window.end) revert ComputeWindowNotEnded(id, window.end, block.timestamp);
        uint256 deadline = uint256(window.end) + DELIVERY_PERIOD;
        if (block.timestamp > deadline) revert ComputeDeliveryPeriodOver(id, deadline, block.timestamp);
        if (report.gpuHoursDelivered > window.redeemed) {
            revert ComputeDeliveryExceedsRedeemed(id, window.redeemed, report.gpuHoursDelivered);
        }
        if (report.kwhBatchIds.length != report.kwhAmountsWh.length) {
            revert ComputeAttributionLengthMismatch(report.kwhBatchIds.length, report.kwhAmountsWh.length);
        }
        if (report.recIds.length != report.recAmounts.length) {
            revert ComputeAttributionLengthMismatch(report.recIds.length, report.recAmounts.length);
        }
    }

    /// @dev Checks the energy attribution against the window and the energy used; returns the Wh matched hourly
    /// (kWh batches) and by RECs.
    function _attribute(
        uint256 id,
        Window storage window,
        Cluster storage cluster,
        DeliveryReport calldata report
    ) private returns (uint256 whHourly, uint256 whRec) {
        // In any one hour the cluster can draw at most every GPU at its declared maximum energy per GPU-hour.
        uint256 maxWhPerHour = uint256(cluster.gpuCount) * cluster.maxWhPerGpuHour;
        whHourly = _checkKwh(id, window, cluster.gridZone, maxWhPerHour, report);
        whRec = _checkRecs(window, cluster.gridZone, report);
        if (whHourly + whRec > report.whUsed) {
            revert ComputeAttributionExceedsUsage(id, report.whUsed, whHourly + whRec);
        }
    }

    function _recordLot(
        uint256 id,
        uint256 clusterId,
        Window storage window,
        DeliveryReport calldata report,
        uint256 whHourly,
        uint256 whRec
    ) private {
        // The attributed Wh never exceed the Wh used (checked), so the share is at most 10,000 bps.
        uint16 carbonFreeBps = uint16(ComputeMath.carbonFreeBpsDown(whHourly + whRec, report.whUsed));
        uint64 redeemed = window.redeemed;
        // The lot is history: nothing on chain reads it, so it lives in {DeliveryRecorded} (and the indexer); the
        // window keeps what refunds need (delivered and redeemed GPU-hours, the bond held).
        _settle(id, clusterId, window, report.gpuHoursDelivered);
        emit DeliveryRecorded(
            id,
            clusterId,
            report.gpuHoursDelivered,
            redeemed,
            report.whUsed,
            whHourly,
            whRec,
            carbonFreeBps
        );
    }

    /// @dev Burns the attributed kWh and retires the RECs from the provider's holdings (this market is their
    /// approved operator), tagging the burn with the credit id and the retirement receipt with the lot.
    function _drawEnergy(uint256 id, Cluster storage cluster, DeliveryReport calldata report) private {
        address provider = cluster.provider;
        if (report.kwhBatchIds.length != 0) {
            _energy.consume(provider, report.kwhBatchIds, report.kwhAmountsWh, bytes32(id));
        }
        if (report.recIds.length == 0) return;
        string memory purpose = string.concat("Joulestack compute lot ", Strings.toHexString(id));
        string memory gpuClass = cluster.gpuClass;
        for (uint256 i; i < report.recIds.length; ++i) {
            uint256 amount = report.recAmounts[i];
            uint256 receiptId = _certificates.retire(provider, report.recIds[i], amount, provider, gpuClass, purpose);
            emit RecsAttributed(id, report.recIds[i], receiptId, amount, amount * _whPerRec);
        }
    }

    /// @dev Checks every kWh batch for hourly matching and returns their total Wh. Batches come in order of their
    /// hour, so that the Wh matched in each hour can be capped by what the cluster can draw in an hour: energy of one
    /// hour never covers the use of another.
    function _checkKwh(
        uint256 id,
        Window storage window,
        bytes32 zone,
        uint256 maxWhPerHour,
        DeliveryReport calldata report
    ) private returns (uint256 whHourly) {
        uint256 currentHour;
        uint256 whThisHour;
        for (uint256 i; i < report.kwhBatchIds.length; ++i) {
            uint256 batchId = report.kwhBatchIds[i];
            uint256 wh = report.kwhAmountsWh[i];
            if (wh == 0) revert ComputeZeroAmount();
            IMeteredEnergy.BatchOrigin memory origin = _energy.batchOrigin(batchId);
            if (origin.gridZone != zone) revert ComputeKwhZoneMismatch(batchId, zone, origin.gridZone);
            if (origin.hourStart < window.start || origin.hourStart >= window.end) {
                revert ComputeKwhOutsideWindow(batchId, origin.hourStart, window.start, window.end);
            }
            if (!_isCarbonFree(origin.kind)) revert ComputeKwhNotCarbonFree(batchId, origin.kind);
            if (origin.hourStart < currentHour) revert ComputeKwhNotInHourOrder(batchId, origin.hourStart, currentHour);
            whThisHour = origin.hourStart == currentHour ? whThisHour + wh : wh;
            currentHour = origin.hourStart;
            if (whThisHour > maxWhPerHour)
                revert ComputeKwhExceedsHourlyDraw(origin.hourStart, whThisHour, maxWhPerHour);
            whHourly += wh;
            emit KwhAttributed(id, batchId, origin.deviceId, origin.hourStart, origin.gridZone, origin.kind, wh);
        }
    }

    /// @dev Checks every REC against the cluster's grid zone and the window's vintage months (a window of up to 31
    /// days lies in at most two) and returns the Wh they cover.
    function _checkRecs(
        Window storage window,
        bytes32 zone,
        DeliveryReport calldata report
    ) private view returns (uint256 whRec) {
        if (report.recIds.length == 0) return 0;
        uint64 firstVintage = EnergyIds.vintageOfHour(uint64(window.start / ComputeMath.HOUR));
        uint64 lastVintage = EnergyIds.vintageOfHour(uint64((window.end - 1) / ComputeMath.HOUR));
        for (uint256 i; i < report.recIds.length; ++i) {
            uint256 recId = report.recIds[i];
            if (report.recAmounts[i] == 0) revert ComputeZeroAmount();
            IRenewableCertificates.CertificateOrigin memory origin = _certificates.certificateOrigin(recId);
            if (origin.gridZone != zone) revert ComputeRecZoneMismatch(recId, zone, origin.gridZone);
            if (origin.vintage != firstVintage && origin.vintage != lastVintage) {
                revert ComputeRecVintageMismatch(recId, origin.vintage, firstVintage, lastVintage);
            }
            whRec += report.recAmounts[i] * _whPerRec;
        }
    }

    /// @dev The energy reported must be what the delivered GPU-hours can physically draw: between the cluster's
    /// declared least and most Wh per GPU-hour. A tiny figure would otherwise show any lot as 100% carbon-free.
    function _checkEnergyBounds(uint256 id, Cluster storage cluster, DeliveryReport calldata report) private view {
        uint256 minWh = uint256(report.gpuHoursDelivered) * cluster.minWhPerGpuHour;
        uint256 maxWh = uint256(report.gpuHoursDelivered) * cluster.maxWhPerGpuHour;
        if (report.whUsed < minWh) revert ComputeEnergyBelowMinimum(id, report.whUsed, minWh);
        if (report.whUsed > maxWh) revert ComputeEnergyAboveMaximum(id, report.whUsed, maxWh);
    }

    /// @dev Takes `amount` of the stablecoin from `from` and checks that all of it arrived: the books credit only what
    /// the market holds, so a fee-on-transfer token can never make one cluster's bond pay another's refunds.
    function _pull(address from, uint256 amount) private {
        uint256 balanceBefore = _stablecoin.balanceOf(address(this));
        _stablecoin.safeTransferFrom(from, address(this), amount);
        _checkReceived(balanceBefore, amount);
    }

    /// @dev Checks that the market's stablecoin balance grew by exactly `amount` since it was `balanceBefore`.
    function _checkReceived(uint256 balanceBefore, uint256 amount) private view {
        uint256 received = _stablecoin.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert ComputeTransferShortfall(amount, received);
    }

    /// @dev The GPU-hours that can still be redeemed now. A redemption at time t is for GPU-hours in [t, end): with
    /// `gpus` GPUs, at most gpus × (whole hours left) of them, less what was redeemed since the earliest hour those
    /// redemptions could use. `redeemCap` is the tightest such bound over the hours of earlier redemptions (each
    /// redemption lowers all of them alike), and the bound of the current hour is gpus × hours left minus the
    /// redemptions made in it, which `redeemCap` already covers once one was made; so the minimum of the two is the
    /// bound over every hour.
    function _servable(Window storage window, uint256 gpus) private view returns (uint256) {
        uint256 from = block.timestamp > window.start ? block.timestamp : window.start;
        uint256 byClock = gpus * ((window.end - from) / ComputeMath.HOUR);
        uint256 cap = window.redeemCap;
        return byClock < cap ? byClock : cap;
    }

    /// @dev Settles a window: what the undelivered redeemed GPU-hours are worth stays held for refunds, the rest of
    /// the bond locked by its sales goes back to the cluster.
    function _settle(uint256 id, uint256 clusterId, Window storage window, uint64 delivered) private {
        uint256 owed = ComputeMath.cost(window.redeemed - delivered, window.pricePerGpuHour);
        // owed <= redeemed * price <= sold * price == the bond held until now.
        uint256 released = _bondHeld(window) - owed;
        window.settled = true;
        window.delivered = delivered;
        window.bondHeld = uint128(owed);
        window.unclaimedRedeemed = owed == 0 ? 0 : window.redeemed;
        if (released != 0) {
            _clusters[clusterId].bondFree += released;
            emit BondReleased(id, clusterId, released);
        }
    }

    /// @dev The bond a window holds: the value of every credit sold until settlement (each sale locked its price),
    /// then the refunds still owed, which settlement wrote.
    function _bondHeld(Window storage window) private view returns (uint256) {
        return window.settled ? window.bondHeld : ComputeMath.cost(window.sold, window.pricePerGpuHour);
    }

    function _refundOf(Window storage window, uint64 holderRedeemed) private view returns (uint256) {
        return ComputeMath.refundShareDown(window.bondHeld, holderRedeemed, window.unclaimedRedeemed);
    }

    function _existingWindow(uint256 id) private view returns (Window storage window) {
        window = _windows[id];
        if (window.end == 0) revert ComputeUnknownWindow(id);
    }

    function _checkCluster(uint256 clusterId) private view {
        if (_clusters[clusterId].provider == address(0)) revert ComputeUnknownCluster(clusterId);
    }

    function _checkProvider(uint256 clusterId) private view {
        _checkCluster(clusterId);
        if (_clusters[clusterId].provider != msg.sender) revert ComputeNotProvider(clusterId, msg.sender);
    }

    function _checkPayout(address payout, bool payoutIsIntake) private view {
        // Proceeds owed to the market itself could never leave it.
        if (payout == address(0) || payout == address(this)) revert ComputeInvalidPayout(payout);
        if (payoutIsIntake) {
            address asset = IRevenueIntake(payout).revenueAsset();
            if (asset != address(_stablecoin)) revert ComputePayoutAssetMismatch(payout, asset, address(_stablecoin));
        }
    }

    /// @dev Renewable sources and nuclear emit no carbon at generation; storage, loads, imports and fossil may.
    function _isCarbonFree(IDeviceRegistry.DeviceKind kind) private pure returns (bool) {
        return DeviceKinds.isRenewable(kind) || kind == IDeviceRegistry.DeviceKind.Nuclear;
    }
}
