// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IRevenueIntake} from "../interfaces/IRevenueIntake.sol";

/// @notice Test-only revenue intake: pulls the revenue it is paid and keeps a total per source.
contract ComputeRevenueSink is IRevenueIntake {
    using SafeERC20 for IERC20;

    IERC20 private immutable _asset;
    mapping(RevenueSource source => uint256 amount) public received;

    constructor(IERC20 asset_) {
        _asset = asset_;
    }

    function revenueAsset() external view returns (address) {
        return address(_asset);
    }

    function receiveRevenue(RevenueSource source, uint256 amount) external {
        received[source] += amount;
        emit RevenueReceived(source, msg.sender, amount);
        _asset.safeTransferFrom(msg.sender, address(this), amount);
    }
}
