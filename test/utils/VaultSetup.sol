// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";

/// @notice Builds three-tranche vaults (8% amortizing senior, 12% bullet mezzanine, residual equity, daily periods).
abstract contract VaultSetup {
    uint256 internal constant PERIOD = 1 days;

    function _tranches(
        uint256 senior,
        uint256 mezzanine,
        uint256 equity
    ) internal pure returns (ITrancheVault.TrancheParams[] memory t) {
        t = new ITrancheVault.TrancheParams[](3);
        t[0] = ITrancheVault.TrancheParams("Senior", "SR", senior, 1, 800, senior / 40);
        t[1] = ITrancheVault.TrancheParams("Mezzanine", "MZ", mezzanine, 1, 1200, 0);
        t[2] = ITrancheVault.TrancheParams("Equity", "EQ", equity, 1, 0, 0);
    }

    function _deployVault(
        address coin,
        InvestorRegistry registry,
        address admin,
        ITrancheVault.TrancheParams[] memory tranches,
        uint32 periodCount
    ) internal returns (TrancheVault) {
        return
            new TrancheVault(
                ITrancheVault.VaultParams({
                    asset: coin,
                    registry: address(registry),
                    admin: admin,
                    projectWallet: address(0xB0B),
                    feeRecipient: address(0xFEE),
                    fundingDeadline: uint64(block.timestamp + 365 days),
                    periodLength: uint64(PERIOD),
                    periodCount: periodCount,
                    servicingFeePerPeriod: 1e6,
                    reserveTargetBps: 500,
                    minCoverageBps: 12_000
                }),
                tranches
            );
    }
}
