// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice Test-only: an account contract (a device owner, a REC holder) whose ERC-1155 receipt hooks either reject
/// every receipt (while `rejecting`) or re-enter a target once with an armed call. A re-entry's outcome is recorded
/// rather than bubbled, so the outer operation completes and a test can show what the attempt achieved.
contract SwitchableReceiver is IERC1155Receiver {
    error SwitchableReceiverRejected(address operator, address from);

    bool public rejecting;
    address public reentryTarget;
    bytes public payload;
    bool public armed;
    uint256 public attempts;
    uint256 public successes;
    bytes public lastRevert;

    /// @notice Makes every following receipt revert (`true`) or be accepted (`false`).
    function setRejecting(bool rejecting_) external {
        rejecting = rejecting_;
    }

    /// @notice Arms one re-entry: the next accepted receipt calls `reentryTarget_` with `payload_`.
    function arm(address reentryTarget_, bytes calldata payload_) external {
        reentryTarget = reentryTarget_;
        payload = payload_;
        armed = true;
    }

    /// @notice Drops an armed re-entry that has not fired.
    function disarm() external {
        armed = false;
    }

    /// @notice Acts as this account: calls `to` with `data`, bubbling a revert.
    function execute(address to, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = to.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }

    function onERC1155Received(
        address operator,
        address from,
        uint256,
        uint256,
        bytes calldata
    ) external returns (bytes4) {
        _receive(operator, from);
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(
        address operator,
        address from,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external returns (bytes4) {
        _receive(operator, from);
        return this.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    function _receive(address operator, address from) private {
        if (rejecting) revert SwitchableReceiverRejected(operator, from);
        if (!armed) return;
        armed = false;
        ++attempts;
        // A raw call, so that the attempt's revert data can be recorded instead of bubbled.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = reentryTarget.call(payload);
        if (ok) ++successes;
        else lastRevert = result;
    }
}
