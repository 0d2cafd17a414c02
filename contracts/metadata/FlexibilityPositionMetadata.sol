// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IFlexibilityMarket} from "../interfaces/IFlexibilityMarket.sol";
import {ITokenMetadata} from "../interfaces/ITokenMetadata.sol";
import {GridZones} from "../libraries/GridZones.sol";
import {TokenMetadata} from "../libraries/TokenMetadata.sol";

/// @title Metadata of flexibility positions
/// @notice Renders the JSON of a {FlexibilityMarket} position (one id per commitment): device, request, window in
/// UTC, grid zone, direction, price and status. Created by the market in its constructor.
contract FlexibilityPositionMetadata is ITokenMetadata {
    /// @inheritdoc ITokenMetadata
    address public immutable market;

    constructor() {
        market = msg.sender;
    }

    // JSON fragments are single-quoted so their double quotes need no escaping.
    // solhint-disable quotes
    /// @inheritdoc ITokenMetadata
    /// @dev Balances are the committed capacity in W, shown in kW (`decimals` 3); the price is in the stablecoin's
    /// smallest units per Wh. The status is `committed` before the window, `in window` during it, `awaiting
    /// settlement` after it, and `settled` once settled or expired. An id that was never committed reverts with the
    /// market's `FlexibilityUnknownCommitment`.
    function uri(uint256 id) external view returns (string memory) {
        IFlexibilityMarket.Commitment memory commitment = IFlexibilityMarket(market).getCommitment(id);
        IFlexibilityMarket.Request memory request = IFlexibilityMarket(market).getRequest(commitment.requestId);
        string memory device = Strings.toString(commitment.deviceId);
        string memory requestId = Strings.toString(commitment.requestId);
        string memory start = TokenMetadata.isoHour(request.windowStart);
        string memory end = TokenMetadata.isoHour(request.windowEnd);
        string memory direction = request.direction == IFlexibilityMarket.Direction.Export ? "export" : "consume-less";
        bytes memory json = abi.encodePacked(
            unicode'{"name":"Flexibility · device ',
            device,
            unicode" · ",
            start,
            '","description":"A staked commitment of device ',
            device,
            " to ",
            direction,
            " between ",
            start,
            " and ",
            end,
            " for flexibility request ",
            requestId,
            '. One unit is one W of committed capacity.","decimals":3,"properties":{"commitmentId":'
        );
        json = abi.encodePacked(
            json,
            Strings.toString(id),
            ',"requestId":',
            requestId,
            ',"deviceId":',
            device,
            ',"gridZone":"',
            GridZones.toString(request.gridZone),
            '","direction":"',
            direction,
            '","windowStart":"',
            start,
            '","windowEnd":"',
            end
        );
        return TokenMetadata.dataURI(abi.encodePacked(json, _terms(commitment, request)));
    }

    /// @inheritdoc ITokenMetadata
    function contractURI() external pure returns (string memory) {
        return
            TokenMetadata.dataURI(
                '{"name":"Joulestack flexibility positions","symbol":"FLEX","description":"Staked commitments of '
                "devices to flexibility requests (export or consume less during a window), one token id per "
                'commitment, non-transferable, burned when the commitment is settled or expires."}'
            );
    }
    /// @dev The closing properties: capacity, price, stake and status.
    function _terms(
        IFlexibilityMarket.Commitment memory commitment,
        IFlexibilityMarket.Request memory request
    ) private view returns (bytes memory) {
        return
            abi.encodePacked(
                '","capacityW":',
                Strings.toString(commitment.capacityW),
                ',"pricePerWh":',
                Strings.toString(request.pricePerWh),
                ',"stake":',
                Strings.toString(commitment.stake),
                ',"status":"',
                _status(commitment.settled, request),
                '"}}'
            );
    }
    // solhint-enable quotes

    function _status(bool settled, IFlexibilityMarket.Request memory request) private view returns (string memory) {
        if (settled) return "settled";
        if (block.timestamp < request.windowStart) return "committed";
        return block.timestamp < request.windowEnd ? "in window" : "awaiting settlement";
    }
}
