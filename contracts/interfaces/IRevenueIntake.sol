// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Revenue intake
/// @notice The one door through which producers (energy sales, flexibility payouts, GPU-hour sales) pay stablecoin
/// revenue to whatever finances them, tagged with its source. Producers depend on this interface only, never on the
/// vault behind it, so the value chain imports run one way.
interface IRevenueIntake {
    /// @notice Where a payment of revenue comes from.
    enum RevenueSource {
        Compute, // GPU-hour credit sales
        Energy, // energy or PPA payments
        Flexibility, // flexibility market payouts
        Other
    }

    /// @notice Emitted when revenue is received.
    /// @param source Where the revenue comes from.
    /// @param payer The account the stablecoin was pulled from.
    /// @param amount The amount received, in the stablecoin's decimals.
    event RevenueReceived(RevenueSource indexed source, address indexed payer, uint256 amount);

    /// @notice The stablecoin this intake accepts.
    function revenueAsset() external view returns (address);

    /// @notice Pulls `amount` of the revenue asset from the caller (who must have approved this contract) and books
    /// it as revenue from `source`.
    /// @param source Where the revenue comes from.
    /// @param amount The amount to pull, in the stablecoin's decimals.
    function receiveRevenue(RevenueSource source, uint256 amount) external;
}
