// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice Test-only gas baseline: the naive way to pay coupons, pushing each holder's pro-rata share in a loop over
/// every holder. Its cost grows with the number of holders, which is what the vault's per-share accumulator avoids.
/// Rounding is down per holder; the dust stays in this contract. Never deployed by the deploy scripts.
contract NaivePushDistributor {
    using SafeERC20 for IERC20;

    IERC20 private immutable _asset;
    address[] private _holders;
    mapping(address holder => uint256) private _shares;
    uint256 private _totalShares;

    constructor(IERC20 asset) {
        _asset = asset;
    }

    /// @notice Gives each of `accounts` `shares` more shares, enrolling the ones that held none.
    function addHolders(address[] calldata accounts, uint256 shares) external {
        for (uint256 i; i < accounts.length; ++i) {
            if (_shares[accounts[i]] == 0) _holders.push(accounts[i]);
            _shares[accounts[i]] += shares;
        }
        _totalShares += shares * accounts.length;
    }

    /// @notice Pulls `amount` from the caller and pushes every holder's pro-rata share of it, rounded down.
    function distribute(uint256 amount) external {
        _asset.safeTransferFrom(msg.sender, address(this), amount);
        uint256 count = _holders.length;
        uint256 totalShares = _totalShares;
        for (uint256 i; i < count; ++i) {
            address holder = _holders[i];
            _asset.safeTransfer(holder, (amount * _shares[holder]) / totalShares);
        }
    }

    function holderCount() external view returns (uint256) {
        return _holders.length;
    }

    function sharesOf(address holder) external view returns (uint256) {
        return _shares[holder];
    }
}
