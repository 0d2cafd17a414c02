// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IRevenueIntake} from "../interfaces/IRevenueIntake.sol";

/// @notice Test-only revenue intake that books revenue per source; `pullShort` makes it take one unit less.
contract FlexRevenueIntake is IRevenueIntake {
    using SafeERC20 for IERC20;

    address public immutable revenueAsset;
    bool public pullShort;
    mapping(RevenueSource source => uint256) public received;

    constructor(address asset) {
        revenueAsset = asset;
    }

    function setPullShort(bool value) external {
        pullShort = value;
    }

    function receiveRevenue(RevenueSource source, uint256 amount) external {
        uint256 pulled = pullShort ? amount - 1 : amount;
        received[source] += pulled;
        IERC20(revenueAsset).safeTransferFrom(msg.sender, address(this), pulled);
        emit RevenueReceived(source, msg.sender, pulled);
    }
}
