// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IComputeMarket} from "../interfaces/IComputeMarket.sol";
import {ITokenMetadata} from "../interfaces/ITokenMetadata.sol";
import {ComputeMath} from "../libraries/ComputeMath.sol";
import {GridZones} from "../libraries/GridZones.sol";
import {TokenMetadata} from "../libraries/TokenMetadata.sol";

/// @title Metadata of GPU-hour credits
/// @notice Renders the JSON of a {ComputeMarket} credit id: cluster, GPU class, delivery window in UTC, price, sales
/// and status. Created by the market in its constructor.
contract ComputeCreditMetadata is ITokenMetadata {
    /// @inheritdoc ITokenMetadata
    address public immutable market;

    constructor() {
        market = msg.sender;
    }

    // JSON fragments are single-quoted so their double quotes need no escaping.
    // solhint-disable quotes
    /// @inheritdoc ITokenMetadata
    /// @dev One unit is one GPU-hour (`decimals` 0); the price is in the stablecoin's smallest units. The status is
    /// `on sale` before the window, `redeemable` during it, then `awaiting delivery` until the delivery is recorded
    /// or lapses, then `settled`. The provider's GPU class is JSON-escaped. An id that was never offered reverts
    /// with the market's `ComputeUnknownWindow`.
    function uri(uint256 id) external view returns (string memory) {
        IComputeMarket.Window memory window = IComputeMarket(market).getWindow(id);
        (uint256 clusterId, ) = ComputeMath.decodeCreditId(id);
        IComputeMarket.Cluster memory cluster = IComputeMarket(market).getCluster(clusterId);
        string memory cluster_ = Strings.toString(clusterId);
        string memory gpuClass = TokenMetadata.escape(cluster.gpuClass);
        string memory start = TokenMetadata.isoHour(window.start);
        string memory end = TokenMetadata.isoHour(window.end);
        bytes memory json = abi.encodePacked(
            unicode'{"name":"GPU-hour · cluster ',
            cluster_,
            unicode" · ",
            start,
            '","description":"One unit is one GPU-hour on ',
            gpuClass,
            " cluster ",
            cluster_,
            " between ",
            start,
            " and ",
            end,
            ', redeemable for a job until the window ends.","decimals":0,"properties":{"clusterId":'
        );
        json = abi.encodePacked(
            json,
            cluster_,
            ',"gpuClass":"',
            gpuClass,
            '","gpuCount":',
            Strings.toString(cluster.gpuCount),
            ',"gridZone":"',
            GridZones.toString(cluster.gridZone),
            '","windowStart":"',
            start,
            '","windowEnd":"',
            end,
            '","pricePerGpuHour":',
            Strings.toString(window.pricePerGpuHour)
        );
        return TokenMetadata.dataURI(abi.encodePacked(json, _sales(window)));
    }

    /// @inheritdoc ITokenMetadata
    function contractURI() external pure returns (string memory) {
        return
            TokenMetadata.dataURI(
                '{"name":"Joulestack GPU-hour credits","symbol":"GPUh","description":"GPU-hour credits sold by '
                "compute providers for a stablecoin, one token id per cluster and delivery window, redeemed for jobs "
                'and settled against the kWh burned and RECs retired behind them."}'
            );
    }
    /// @dev The closing properties: what was sold, redeemed and delivered, and the status.
    function _sales(IComputeMarket.Window memory window) private view returns (bytes memory) {
        return
            abi.encodePacked(
                ',"capacity":',
                Strings.toString(window.capacity),
                ',"sold":',
                Strings.toString(window.sold),
                ',"redeemed":',
                Strings.toString(window.redeemed),
                ',"delivered":',
                Strings.toString(window.delivered),
                ',"status":"',
                _status(window),
                '"}}'
            );
    }
    // solhint-enable quotes

    function _status(IComputeMarket.Window memory window) private view returns (string memory) {
        if (block.timestamp < window.start) return "on sale";
        if (block.timestamp < window.end) return "redeemable";
        return window.settled ? "settled" : "awaiting delivery";
    }
}
