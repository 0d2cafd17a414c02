// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDeviceRegistry} from "./IDeviceRegistry.sol";

/// @title Joulestack compute market (GPU-hour credits)
/// @notice GPU-hour credits that carry the energy that powered them. A compute provider registers a GPU cluster,
/// posts a stablecoin bond and offers delivery windows; buyers (people and AI agents) buy ERC-1155 credits, one id per
/// cluster and window, and redeem them for jobs before the window ends. After the window the provider records what
/// it delivered and proves the energy: kWh batches from the same grid zone and hours are burned (hourly matching)
/// and RECs of the same grid zone and vintage month are retired for the remainder. Redeemed GPU-hours that were not
/// delivered are refunded from the bond.
/// Sales proceeds accrue to the cluster's payout address in this contract and leave it by {pushProceeds} (anyone) or
/// {claimProceeds} (the payee), so a payee that reverts or refuses revenue only ever blocks its own payment, never a
/// purchase. Every stablecoin transfer into the market must arrive in full (fee-on-transfer tokens are rejected), so
/// the market's balance always equals free bonds + bond held for windows + accrued proceeds.
/// @dev Credit id = `clusterId << 64 | windowStart` (see `ComputeMath`). Every GPU-hour sold locks its price from the
/// cluster's bond until the window is settled, so a redeemer's refund is always paid in full.
/// Warning: credits that are not redeemed in time expire. A redemption at time t is for GPU-hours in [t, end), so
/// from t on at most GPU count × whole hours left can be redeemed, counting the redemptions already made since the
/// earliest hour they could use ({redeemableNow}); one second before the end nothing can be redeemed. Credits left
/// when the window ends can no longer be redeemed or transferred and are not refunded: the buyer paid to reserve
/// capacity that the provider held ready.
interface IComputeMarket {
    /// @notice A registered GPU cluster.
    /// @param provider The account that registered the cluster; it offers windows and manages bond and payout.
    /// @param operator The provider's scheduler key; it may record deliveries.
    /// @param payout Where sales proceeds accrue (later: the vault that finances the cluster).
    /// @param payoutIsIntake Whether `payout` is a revenue intake paid through `receiveRevenue`.
    /// @param gpuCount How many GPUs the cluster has.
    /// @param minWhPerGpuHour The least energy one delivered GPU-hour can draw, in Wh, as declared by the provider.
    /// @param maxWhPerGpuHour The most energy one GPU-hour can draw, in Wh (GPU, cooling and networking): it caps the
    /// Wh a delivery may report and the Wh matched in any one hour.
    /// @param offeredUntil The end of the cluster's latest window; a new window cannot start before it.
    /// @param gridZone The grid zone the cluster draws its power from (same codes as the device registry).
    /// @param bondFree Bond (stablecoin) not locked by any sale, which the provider may withdraw.
    /// @param gpuClass The GPU model, e.g. `H100-SXM`.
    struct Cluster {
        address provider;
        address operator;
        address payout;
        bool payoutIsIntake;
        uint32 gpuCount;
        uint32 minWhPerGpuHour;
        uint32 maxWhPerGpuHour;
        uint64 offeredUntil;
        bytes32 gridZone;
        uint256 bondFree;
        string gpuClass;
    }

    /// @notice What a provider submits to register a cluster; see {Cluster} for the fields.
    struct ClusterRegistration {
        string gpuClass;
        bytes32 gridZone;
        address operator;
        uint32 gpuCount;
        uint32 minWhPerGpuHour;
        uint32 maxWhPerGpuHour;
        address payout;
        bool payoutIsIntake;
    }

    /// @notice A delivery window of a cluster and the credits of it.
    /// @param start When the window starts (unix seconds, on the hour); credits sell until then.
    /// @param end When the window ends; credits must be redeemed before it (see {redeemableNow}).
    /// @param pricePerGpuHour The price of one credit (one GPU-hour), in the stablecoin's decimals.
    /// @param capacity GPU count × hours of the window: the most credits that can ever be sold.
    /// @param sold Credits sold.
    /// @param redeemed Credits redeemed for jobs.
    /// @param delivered GPU-hours delivered, once settled.
    /// @param unclaimedRedeemed Redeemed GPU-hours whose holders have not yet claimed their refund.
    /// @param bondHeld Bond locked for this window: the price of every credit sold until it is settled, then the
    /// refunds still owed.
    /// @param settled Whether delivery was recorded (or the delivery period lapsed without one).
    /// @param redeemCap The most GPU-hours that can still be redeemed as the schedule stood at the last redemption:
    /// the capacity at first, lowered by each redemption; {redeemableNow} also caps it by the clock.
    struct Window {
        uint64 start;
        uint64 end;
        uint128 pricePerGpuHour;
        uint64 capacity;
        uint64 sold;
        uint64 redeemed;
        uint64 delivered;
        uint64 unclaimedRedeemed;
        uint128 bondHeld;
        bool settled;
        uint48 redeemCap;
    }

    /// @notice What the provider reports after a window, with the energy behind it. kWh batches and RECs are taken
    /// from the provider, who must have approved this market as operator on the kWh and REC tokens.
    /// @param gpuHoursDelivered GPU-hours delivered to redeemed jobs (at most the redeemed ones).
    /// @param whUsed Energy the delivered GPU-hours used, in Wh: between GPU-hours × the cluster's minimum and maximum
    /// Wh per GPU-hour.
    /// @param kwhBatchIds kWh batches to burn: carbon-free, same grid zone, hours inside the window, in hour order;
    /// the Wh matched in any one hour may not exceed GPU count × maximum Wh per GPU-hour.
    /// @param kwhAmountsWh Wh to burn from each batch.
    /// @param recIds RECs to retire for the energy not matched hourly: same grid zone, vintage month of the window.
    /// @param recAmounts How many RECs (1 REC = 1 MWh) of each to retire.
    struct DeliveryReport {
        uint64 gpuHoursDelivered;
        uint256 whUsed;
        uint256[] kwhBatchIds;
        uint256[] kwhAmountsWh;
        uint256[] recIds;
        uint256[] recAmounts;
    }

    /// @notice A provider registered a cluster.
    /// @param clusterId The new cluster's id (sequential from 1).
    /// @param provider The registering provider.
    /// @param operator The scheduler key.
    /// @param gpuClass The GPU model.
    /// @param gpuCount How many GPUs.
    /// @param gridZone The grid zone code.
    /// @param minWhPerGpuHour Declared least energy per delivered GPU-hour, in Wh.
    /// @param maxWhPerGpuHour Declared most energy per GPU-hour, in Wh.
    event ClusterRegistered(
        uint256 indexed clusterId,
        address indexed provider,
        address indexed operator,
        string gpuClass,
        uint32 gpuCount,
        bytes32 gridZone,
        uint32 minWhPerGpuHour,
        uint32 maxWhPerGpuHour
    );

    /// @notice The provider changed the scheduler key.
    /// @param clusterId The cluster.
    /// @param previousOperator The key before.
    /// @param newOperator The key now.
    event ClusterOperatorChanged(
        uint256 indexed clusterId,
        address indexed previousOperator,
        address indexed newOperator
    );

    /// @notice Sales proceeds of the cluster accrue to a new address from now on.
    /// @param clusterId The cluster.
    /// @param payout The new payout address.
    /// @param payoutIsIntake Whether it is paid through `IRevenueIntake.receiveRevenue`.
    event ClusterPayoutChanged(uint256 indexed clusterId, address indexed payout, bool payoutIsIntake);

    /// @notice Bond was added to a cluster.
    /// @param clusterId The cluster.
    /// @param from Who paid it.
    /// @param amount How much, in the stablecoin's decimals.
    event BondPosted(uint256 indexed clusterId, address indexed from, uint256 amount);

    /// @notice The provider withdrew free bond.
    /// @param clusterId The cluster.
    /// @param to Who received it.
    /// @param amount How much.
    event BondWithdrawn(uint256 indexed clusterId, address indexed to, uint256 amount);

    /// @notice The provider offered a delivery window for sale.
    /// @param creditId The window's credit id.
    /// @param clusterId The cluster.
    /// @param start When the window starts.
    /// @param end When it ends.
    /// @param capacity The most credits (GPU-hours) it can sell.
    /// @param pricePerGpuHour The price of one credit.
    event WindowOffered(
        uint256 indexed creditId,
        uint256 indexed clusterId,
        uint64 start,
        uint64 end,
        uint64 capacity,
        uint128 pricePerGpuHour
    );

    /// @notice Credits were sold.
    /// @param creditId The window.
    /// @param buyer Who paid.
    /// @param receiver Who received the credits.
    /// @param gpuHours How many credits.
    /// @param cost What was paid, in the stablecoin's decimals.
    event CreditsSold(
        uint256 indexed creditId,
        address indexed buyer,
        address indexed receiver,
        uint64 gpuHours,
        uint256 cost
    );

    /// @notice Sales proceeds accrued to the cluster's payout address as compute revenue; {pushProceeds} or
    /// {claimProceeds} pays them out.
    /// @param creditId The window sold.
    /// @param clusterId The cluster.
    /// @param payout Who the revenue is owed to.
    /// @param amount How much.
    /// @param viaIntake Whether it is to be paid through `IRevenueIntake.receiveRevenue(Compute, amount)`.
    event ComputeRevenueAccrued(
        uint256 indexed creditId,
        uint256 indexed clusterId,
        address indexed payout,
        uint256 amount,
        bool viaIntake
    );

    /// @notice Accrued sales proceeds left the market.
    /// @param payee Who they were owed to.
    /// @param to Who received them (the payee itself when pushed).
    /// @param amount How much.
    /// @param viaIntake Whether they were paid through `IRevenueIntake.receiveRevenue(Compute, amount)`.
    event ProceedsPaid(address indexed payee, address indexed to, uint256 amount, bool viaIntake);

    /// @notice Credits were redeemed for a job; the provider's scheduler runs it in the window.
    /// @param creditId The window.
    /// @param holder Whose credits were burned; any refund goes to them.
    /// @param jobReference The job the GPU-hours are for.
    /// @param gpuHours How many credits.
    event CreditsRedeemed(
        uint256 indexed creditId,
        address indexed holder,
        bytes32 indexed jobReference,
        uint64 gpuHours
    );

    /// @notice The energy of a kWh batch was burned and attributed to a delivery lot (hourly matching).
    /// @param creditId The window (delivery lot).
    /// @param kwhBatchId The kWh batch.
    /// @param deviceId The producing device.
    /// @param hourStart The batch's hour.
    /// @param gridZone The device's grid zone.
    /// @param kind The energy source.
    /// @param wh How many Wh.
    event KwhAttributed(
        uint256 indexed creditId,
        uint256 indexed kwhBatchId,
        uint256 indexed deviceId,
        uint256 hourStart,
        bytes32 gridZone,
        IDeviceRegistry.DeviceKind kind,
        uint256 wh
    );

    /// @notice RECs were retired and attributed to a delivery lot.
    /// @param creditId The window (delivery lot).
    /// @param recId The REC (device and vintage).
    /// @param receiptId The retirement receipt of the certificate registry.
    /// @param recs How many RECs.
    /// @param wh The Wh they cover.
    event RecsAttributed(
        uint256 indexed creditId,
        uint256 indexed recId,
        uint256 indexed receiptId,
        uint256 recs,
        uint256 wh
    );

    /// @notice The provider recorded delivery for a window; the window is settled. This event is the delivery lot's
    /// record (the contract keeps only what refunds need, in the window); read lots from it or the indexer.
    /// @param creditId The window.
    /// @param clusterId The cluster.
    /// @param gpuHoursDelivered GPU-hours delivered.
    /// @param gpuHoursRedeemed GPU-hours redeemed.
    /// @param whUsed Energy used.
    /// @param whHourlyMatched Wh matched by burned kWh of the same zone and hours.
    /// @param whRecMatched Wh matched by retired RECs.
    /// @param carbonFreeBps (hourly + REC-matched Wh) / Wh used, in basis points, rounded down.
    event DeliveryRecorded(
        uint256 indexed creditId,
        uint256 indexed clusterId,
        uint64 gpuHoursDelivered,
        uint64 gpuHoursRedeemed,
        uint256 whUsed,
        uint256 whHourlyMatched,
        uint256 whRecMatched,
        uint16 carbonFreeBps
    );

    /// @notice The delivery period passed without a delivery record: the window is settled as nothing delivered,
    /// so every redeemed GPU-hour is refunded.
    /// @param creditId The window.
    /// @param clusterId The cluster.
    /// @param gpuHoursRedeemed GPU-hours redeemed (all refunded).
    event DeliveryLapsed(uint256 indexed creditId, uint256 indexed clusterId, uint64 gpuHoursRedeemed);

    /// @notice Bond that a settled window no longer needs went back to the cluster's free bond.
    /// @param creditId The window.
    /// @param clusterId The cluster.
    /// @param amount How much.
    event BondReleased(uint256 indexed creditId, uint256 indexed clusterId, uint256 amount);

    /// @notice A redeemer was refunded for undelivered GPU-hours from the provider's bond.
    /// @param creditId The window.
    /// @param holder The redeemer.
    /// @param amount How much.
    event RefundPaid(uint256 indexed creditId, address indexed holder, uint256 amount);

    /// @notice No cluster has this id.
    error ComputeUnknownCluster(uint256 clusterId);
    /// @notice Only the cluster's provider may do this.
    error ComputeNotProvider(uint256 clusterId, address caller);
    /// @notice Only the cluster's provider or operator may do this.
    error ComputeNotOperator(uint256 clusterId, address caller);
    /// @notice A cluster needs a GPU class name.
    error ComputeEmptyGpuClass();
    /// @notice A cluster needs at least one GPU.
    error ComputeZeroGpuCount();
    /// @notice A cluster must declare a least and a most energy per GPU-hour, 0 < minimum <= maximum.
    error ComputeInvalidEnergyBounds(uint32 minWhPerGpuHour, uint32 maxWhPerGpuHour);
    /// @notice Less stablecoin arrived than was asked for (a fee-on-transfer token), or a revenue intake took less
    /// than it was paid.
    error ComputeTransferShortfall(uint256 expected, uint256 received);
    /// @notice The grid zone is not a well-formed zone code.
    error ComputeInvalidGridZone(bytes32 gridZone);
    /// @notice The operator key is the zero address.
    error ComputeInvalidOperator(address operator);
    /// @notice The payout address is the zero address or the market itself.
    error ComputeInvalidPayout(address payout);
    /// @notice The revenue intake takes another asset than the market's stablecoin.
    error ComputePayoutAssetMismatch(address payout, address asset, address expected);
    /// @notice A window must start on the hour, since energy is matched hour by hour.
    error ComputeWindowNotHourAligned(uint64 start);
    /// @notice A window lasts 1 to `maxHours` whole hours.
    error ComputeWindowInvalidLength(uint256 hoursLong, uint256 maxHours);
    /// @notice A window must start in the future.
    error ComputeWindowStartsInPast(uint64 start, uint256 currentTime);
    /// @notice Windows of a cluster may not overlap, so its GPUs are never sold twice.
    error ComputeWindowOverlaps(uint256 clusterId, uint64 start, uint64 offeredUntil);
    /// @notice A window needs a price above zero.
    error ComputeZeroPrice();
    /// @notice No window has this credit id.
    error ComputeUnknownWindow(uint256 creditId);
    /// @notice Credits sell only before their window starts.
    error ComputeWindowStarted(uint256 creditId, uint64 start, uint256 currentTime);
    /// @notice The sale would exceed the window's capacity (GPU count × hours).
    error ComputeWindowOversold(uint256 creditId, uint256 capacity, uint256 sold, uint256 requested);
    /// @notice The amount must be above zero.
    error ComputeZeroAmount();
    /// @notice The cluster's free bond cannot cover this.
    error ComputeBondInsufficient(uint256 clusterId, uint256 available, uint256 needed);
    /// @notice The window has ended: its credits expired.
    error ComputeCreditsExpired(uint256 creditId, uint64 end, uint256 currentTime);
    /// @notice The cluster cannot serve that many more GPU-hours in the whole hours left of the window, counting the
    /// redemptions already made.
    error ComputeRedemptionExceedsServable(uint256 creditId, uint256 requested, uint256 servable, uint256 currentTime);
    /// @notice Delivery can only be recorded after the window ends.
    error ComputeWindowNotEnded(uint256 creditId, uint64 end, uint256 currentTime);
    /// @notice The window was already settled.
    error ComputeDeliveryAlreadyRecorded(uint256 creditId);
    /// @notice More GPU-hours delivered than were redeemed.
    error ComputeDeliveryExceedsRedeemed(uint256 creditId, uint256 redeemed, uint256 delivered);
    /// @notice The delivery period of the window is over; it can only lapse.
    error ComputeDeliveryPeriodOver(uint256 creditId, uint256 deadline, uint256 currentTime);
    /// @notice The delivery period of the window is still running.
    error ComputeDeliveryPeriodNotOver(uint256 creditId, uint256 deadline, uint256 currentTime);
    /// @notice The energy reported is less than the delivered GPU-hours draw at the cluster's declared minimum.
    error ComputeEnergyBelowMinimum(uint256 creditId, uint256 whUsed, uint256 minWh);
    /// @notice The energy reported is more than the delivered GPU-hours can draw at the cluster's declared maximum.
    error ComputeEnergyAboveMaximum(uint256 creditId, uint256 whUsed, uint256 maxWh);
    /// @notice The energy attributed (hourly-matched plus RECs) exceeds the energy used.
    error ComputeAttributionExceedsUsage(uint256 creditId, uint256 whUsed, uint256 whAttributed);
    /// @notice Ids and amounts differ in length.
    error ComputeAttributionLengthMismatch(uint256 ids, uint256 amounts);
    /// @notice A kWh batch comes from another grid zone than the cluster's.
    error ComputeKwhZoneMismatch(uint256 kwhBatchId, bytes32 expectedZone, bytes32 batchZone);
    /// @notice A kWh batch's hour is not inside the window.
    error ComputeKwhOutsideWindow(uint256 kwhBatchId, uint256 hourStart, uint64 start, uint64 end);
    /// @notice kWh batches must be listed in order of their hour.
    error ComputeKwhNotInHourOrder(uint256 kwhBatchId, uint256 hourStart, uint256 previousHourStart);
    /// @notice More Wh are matched in one hour than the cluster can draw in an hour (GPU count × Wh per GPU-hour).
    error ComputeKwhExceedsHourlyDraw(uint256 hourStart, uint256 matchedWh, uint256 maxWh);
    /// @notice A kWh batch's source is not carbon-free (renewable or nuclear).
    error ComputeKwhNotCarbonFree(uint256 kwhBatchId, IDeviceRegistry.DeviceKind kind);
    /// @notice A REC comes from another grid zone than the cluster's.
    error ComputeRecZoneMismatch(uint256 recId, bytes32 expectedZone, bytes32 recZone);
    /// @notice A REC's vintage month is not a month the window lies in.
    error ComputeRecVintageMismatch(uint256 recId, uint64 vintage, uint64 firstVintage, uint64 lastVintage);
    /// @notice The window is not settled yet, so refunds are not known.
    error ComputeWindowNotSettled(uint256 creditId);
    /// @notice The account has no refund to claim in this window.
    error ComputeNothingToRefund(uint256 creditId, address holder);
    /// @notice No sales proceeds have accrued to this payee.
    error ComputeNothingToClaim(address payee);
    /// @notice The stablecoin does not implement EIP-3009, so credits cannot be bought with an authorization.
    error ComputeAuthorizationUnsupported(address stablecoin);
    /// @notice The authorization's value is not the purchase's cost (GPU-hours × the window's price).
    error ComputeAuthorizationValueMismatch(uint256 creditId, uint256 cost, uint256 value);

    /// @notice Registers a GPU cluster; the caller becomes its provider.
    /// @param registration GPU class and count, grid zone, energy per GPU-hour, operator key and payout address.
    /// @return clusterId The new cluster's id.
    function registerCluster(ClusterRegistration calldata registration) external returns (uint256 clusterId);

    /// @notice Replaces the cluster's scheduler key. Only the provider may do this.
    /// @param clusterId The cluster.
    /// @param operator The new key.
    function setOperator(uint256 clusterId, address operator) external;

    /// @notice Lets future sales proceeds accrue to a new address, e.g. the vault that finances the cluster. Only the
    /// provider may do this.
    /// @param clusterId The cluster.
    /// @param payout The new payout address.
    /// @param payoutIsIntake Whether to pay it through `IRevenueIntake.receiveRevenue` (it must take our stablecoin).
    function setPayout(uint256 clusterId, address payout, bool payoutIsIntake) external;

    /// @notice Adds stablecoin to a cluster's bond, pulled from the caller (anyone may top it up). The full amount must
    /// arrive.
    /// @param clusterId The cluster.
    /// @param amount How much, in the stablecoin's decimals.
    function postBond(uint256 clusterId, uint256 amount) external;

    /// @notice Withdraws bond that no sale has locked. Only the provider may do this.
    /// @param clusterId The cluster.
    /// @param amount How much.
    /// @param to Who receives it.
    function withdrawBond(uint256 clusterId, uint256 amount, address to) external;

    /// @notice Offers a delivery window for sale. Only the provider may do this.
    /// @param clusterId The cluster.
    /// @param start When the window starts: on the hour, in the future, not before the cluster's last window ends.
    /// @param hoursLong How many hours it lasts (1 to 744).
    /// @param pricePerGpuHour The price of one GPU-hour credit, in the stablecoin's decimals.
    /// @return creditId The window's credit id.
    function offerWindow(
        uint256 clusterId,
        uint64 start,
        uint64 hoursLong,
        uint128 pricePerGpuHour
    ) external returns (uint256 creditId);

    /// @notice Buys GPU-hour credits of a window before it starts; the caller must have approved the price, which must
    /// arrive in full. The proceeds accrue to the cluster's payout address as compute revenue (see {pushProceeds}).
    /// @param creditId The window.
    /// @param gpuHours How many credits.
    /// @param receiver Who receives the credits.
    /// @return cost What was paid.
    function buy(uint256 creditId, uint64 gpuHours, address receiver) external returns (uint256 cost);

    /// @notice Buys GPU-hour credits in one transaction with an ERC-2612 permit for the exact price. If the permit
    /// was already used (e.g. front-run), an existing allowance is used instead.
    /// @param creditId The window.
    /// @param gpuHours How many credits.
    /// @param receiver Who receives the credits.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @return cost What was paid.
    function buyWithPermit(
        uint256 creditId,
        uint64 gpuHours,
        address receiver,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 cost);

    /// @notice Buys GPU-hour credits with the buyer's EIP-3009 receive-authorization of the stablecoin, so a buyer
    /// holding only the stablecoin (an agent with no ETH) buys through any relayer, who pays the gas.
    /// The buyer signs, in the stablecoin's EIP-712 domain, `ReceiveWithAuthorization(from: buyer, to: this market,
    /// value: gpuHours × price, validAfter, validBefore, nonce)` with
    /// `nonce = purchaseNonce(creditId, gpuHours, receiver, value, salt)`
    ///       `= keccak256(abi.encode(PURCHASE_TYPEHASH, market, creditId, gpuHours, receiver, value, salt))`,
    /// the hash of the purchase terms (the binding Circle recommends for EIP-3009 payments to contracts). The market
    /// recomputes the nonce from the arguments, so a relayer or front-runner who copies the signature cannot change
    /// the window, the GPU-hours, the price or the receiver: any change gives another nonce, which the signature
    /// does not cover. Only the market can execute a receive-authorization made out to it, so the payment cannot be
    /// front-run into a bare transfer either. Pick a fresh `salt` for each purchase (each nonce is used once).
    /// Like {buy}, the full value must arrive; the stablecoin must implement EIP-3009.
    /// @param creditId The window.
    /// @param gpuHours How many credits.
    /// @param receiver Who receives the credits.
    /// @param salt The buyer's salt, making the nonce of two equal purchases differ.
    /// @param buyer The payer who signed the authorization.
    /// @param value The authorized value: must equal the cost, gpuHours × the window's price.
    /// @param validAfter The authorization is valid only after this time (unix seconds).
    /// @param validBefore The authorization is valid only before this time (unix seconds).
    /// @param signature The buyer's signature (65-byte ECDSA, or ERC-1271 for a smart-account buyer).
    /// @return cost What was paid.
    function buyWithAuthorization(
        uint256 creditId,
        uint64 gpuHours,
        address receiver,
        bytes32 salt,
        address buyer,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes calldata signature
    ) external returns (uint256 cost);

    /// @notice Redeems credits for a job before the window ends; the provider's scheduler learns of it from
    /// {CreditsRedeemed}. The caller must be the holder or approved for all by them. At most {redeemableNow} GPU-hours
    /// can be redeemed: what the cluster can still serve in the whole hours left.
    /// @param from The holder.
    /// @param creditId The window.
    /// @param gpuHours How many credits.
    /// @param jobReference The job the GPU-hours are for.
    function redeem(address from, uint256 creditId, uint64 gpuHours, bytes32 jobReference) external;

    /// @notice Records what a window delivered and proves its energy, settling the window: burns the kWh batches
    /// and retires the RECs given from the provider's holdings, releases the bond the window no longer needs and
    /// leaves the refunds for undelivered GPU-hours to be claimed. Only the provider or operator may do this, after
    /// the window ends and within the delivery period.
    /// @param creditId The window.
    /// @param report GPU-hours delivered, energy used and the kWh batches and RECs behind it.
    function recordDelivery(uint256 creditId, DeliveryReport calldata report) external;

    /// @notice Settles a window whose delivery period passed without a record as nothing delivered. Anyone may call.
    /// @param creditId The window.
    function lapseDelivery(uint256 creditId) external;

    /// @notice Pays a redeemer their refund for the window's undelivered GPU-hours. Anyone may trigger it; the
    /// refund always goes to the redeemer. Each claim pays the holder's share of the bond still held, pro rata to the
    /// redeemed GPU-hours not yet refunded, rounded down, so the last claim takes the rest: the refunds add up to the
    /// undelivered value exactly and no dust is left behind (a share that rounds to zero is still consumed).
    /// @param creditId The window.
    /// @param holder The redeemer.
    /// @return amount The refund paid.
    function claimRefund(uint256 creditId, address holder) external returns (uint256 amount);

    /// @notice Pays the proceeds accrued to `payee` into it: by transfer, or through
    /// `IRevenueIntake.receiveRevenue(Compute, amount)` for proceeds of clusters that pay it as an intake. Anyone may
    /// call; a payee that reverts blocks only this call.
    /// @param payee Who the proceeds are owed to.
    /// @return amount What was paid.
    function pushProceeds(address payee) external returns (uint256 amount);

    /// @notice Withdraws the proceeds accrued to the caller, all by plain transfer to `to`.
    /// @param to Who receives them.
    /// @return amount What was paid.
    function claimProceeds(address to) external returns (uint256 amount);

    /// @notice The longest window, in hours.
    function MAX_WINDOW_HOURS() external view returns (uint64);

    /// @notice How long after a window ends its provider may record delivery, in seconds.
    function DELIVERY_PERIOD() external view returns (uint64);

    /// @notice The Wh one REC stands for (1 MWh).
    function WH_PER_REC() external view returns (uint256);

    /// @notice The stablecoin credits are sold for and bonds are posted in.
    function stablecoin() external view returns (address);

    /// @notice The kWh token whose batches are burned for hourly matching.
    function energy() external view returns (address);

    /// @notice The REC token whose certificates are retired for the remainder.
    function certificates() external view returns (address);

    /// @notice A registered cluster; reverts for an unknown id.
    /// @param clusterId The cluster.
    function getCluster(uint256 clusterId) external view returns (Cluster memory);

    /// @notice How many clusters were ever registered; ids run from 1 to this number.
    function clusterCount() external view returns (uint256);

    /// @notice A window; reverts for an unknown credit id.
    /// @param creditId The window.
    function getWindow(uint256 creditId) external view returns (Window memory);

    /// @notice GPU-hours of a window that `holder` redeemed and has not yet been refunded for.
    /// @param creditId The window.
    /// @param holder The redeemer.
    function redeemedBy(uint256 creditId, address holder) external view returns (uint64);

    /// @notice The refund `holder` would receive by claiming now (zero before settlement).
    /// @param creditId The window.
    /// @param holder The redeemer.
    function refundOf(uint256 creditId, address holder) external view returns (uint256);

    /// @notice How many GPU-hours of a window can be redeemed now: the cluster's GPU count × the whole hours left
    /// (all hours before the start, none once it ended), less the redemptions already made since the earliest hour
    /// they could use.
    /// @param creditId The window.
    function redeemableNow(uint256 creditId) external view returns (uint256);

    /// @notice Sales proceeds accrued to `payee` and not yet paid out.
    /// @param payee Who they are owed to.
    /// @return direct What is owed by plain transfer.
    /// @return viaIntake What is owed through `IRevenueIntake.receiveRevenue`.
    function proceedsOf(address payee) external view returns (uint256 direct, uint256 viaIntake);

    /// @notice Credits of a window outstanding: sold less redeemed (sales are the only mints, redemptions the only
    /// burns). Zero for an unknown id.
    /// @param creditId The window.
    function totalSupply(uint256 creditId) external view returns (uint256);

    /// @notice Credits of a window that expired unredeemed: its outstanding supply once the window ended.
    /// @param creditId The window.
    function expiredCredits(uint256 creditId) external view returns (uint256);

    /// @notice The EIP-3009 nonce that binds a purchase with {buyWithAuthorization} to its terms:
    /// `keccak256(abi.encode(PURCHASE_TYPEHASH, address(this), creditId, gpuHours, receiver, value, salt))`.
    /// @param creditId The window.
    /// @param gpuHours How many credits.
    /// @param receiver Who receives the credits.
    /// @param value The price paid, gpuHours × the window's price.
    /// @param salt The buyer's salt.
    function purchaseNonce(
        uint256 creditId,
        uint64 gpuHours,
        address receiver,
        uint256 value,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice The typehash of the purchase terms hashed into an authorization's nonce: `keccak256("Purchase(address
    /// market,uint256 creditId,uint64 gpuHours,address receiver,uint256 value,bytes32 salt)")` (one line, no break).
    function PURCHASE_TYPEHASH() external view returns (bytes32);

    /// @notice The credit id of a cluster's window starting at `start`.
    /// @param clusterId The cluster.
    /// @param start The window start.
    function creditId(uint256 clusterId, uint64 start) external pure returns (uint256);
}
