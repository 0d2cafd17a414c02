// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice Test-only: an account contract (device owner, REC requester, investor, provider) whose receiver hooks
/// (ERC-1155 receipts and {CallbackToken} transfers) re-enter a reentryTarget once with an armed call. The attempt's
/// outcome is recorded rather than bubbled, so the outer operation completes and a test can show what was gained.
contract ReentrantReceiver is IERC1155Receiver {
    address public reentryTarget;
    bytes public payload;
    bool public armed;
    uint256 public attempts;
    uint256 public successes;
    bytes public lastRevert;

    /// @notice Arms one re-entry: the next hook calls `reentryTarget_` with `payload_`.
    function arm(address reentryTarget_, bytes calldata payload_) external {
        reentryTarget = reentryTarget_;
        payload = payload_;
        armed = true;
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

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        _reenter();
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(
        address,
        address,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external returns (bytes4) {
        _reenter();
        return this.onERC1155BatchReceived.selector;
    }

    function onTokenTransfer(address, uint256) external {
        _reenter();
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    function _reenter() private {
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
