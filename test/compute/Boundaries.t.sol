// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IComputeMarket} from "../../contracts/interfaces/IComputeMarket.sol";
import {Edges} from "../utils/Edges.sol";
import {ComputeMarketBase} from "./ComputeMarket.t.sol";

/// @notice Every clock edge of the compute market at t - 1, t and t + 1, each second from the same state. The window
/// is [start, end) with end = start + 2 hours; 4 GPUs; alice holds 4 GPU-hours bought before the start.
///
///   rule (contract's own)                              t                      t - 1    t        t + 1
///   offerWindow: start must be after now               start of the offer     ok       revert   revert
///   buy: sales close when the window starts            start                  ok       revert   revert
///   redeem: a redemption needs a whole hour left       end - 1 hour           ok       ok       revert
///   redeem: credits expire at the end                  end                    revert*  revert   revert
///   transfer: credits move until the end               end                    ok       revert   revert
///   recordDelivery: opens at the end                   end                    revert   ok       ok
///   recordDelivery: closes after DELIVERY_PERIOD       end + 7 days           ok       ok       revert
///   lapseDelivery: only after the delivery period      end + 7 days           revert   revert   ok
///   (* no whole hour left: ComputeRedemptionExceedsServable; from `end` on: ComputeCreditsExpired)
contract ComputeMarketBoundariesTest is ComputeMarketBase, Edges {
    uint64 private end;

    function setUp() public override {
        super.setUp();
        end = start + 2 hours;
        _buy(alice, 4);
    }

    function _offerNext() private {
        vm.prank(provider);
        market.offerWindow(clusterId, end, 1, PRICE);
    }

    function _buyOne() private {
        vm.prank(bob);
        market.buy(id, 1, bob);
    }

    function _redeemOne() private {
        vm.prank(alice);
        market.redeem(alice, id, 1, bytes32(0));
    }

    function _transferOne() private {
        vm.prank(alice);
        market.safeTransferFrom(alice, bob, id, 1, "");
    }

    function _recordNothing() private {
        vm.prank(operator);
        market.recordDelivery(id, _report(0, 0));
    }

    function _lapse() private {
        market.lapseDelivery(id);
    }

    function test_offerWindow_startMustBeAfterNow() public {
        bytes4 e = IComputeMarket.ComputeWindowStartsInPast.selector;
        _at(end - 1, _offerNext, _ok());
        _at(end, _offerNext, abi.encodeWithSelector(e, end, end));
        _at(end + 1, _offerNext, abi.encodeWithSelector(e, end, end + 1));
    }

    function test_buy_salesCloseWhenTheWindowStarts() public {
        bytes4 e = IComputeMarket.ComputeWindowStarted.selector;
        _at(start - 1, _buyOne, _ok());
        _at(start, _buyOne, abi.encodeWithSelector(e, id, start, start));
        _at(start + 1, _buyOne, abi.encodeWithSelector(e, id, start, start + 1));
    }

    function test_redeem_needsAWholeHourLeft() public {
        uint256 t = end - 1 hours;
        _at(t - 1, _redeemOne, _ok());
        _at(t, _redeemOne, _ok());
        // 3,599 seconds left: 4 GPUs × 0 whole hours.
        bytes4 e = IComputeMarket.ComputeRedemptionExceedsServable.selector;
        _at(t + 1, _redeemOne, abi.encodeWithSelector(e, id, 1, 0, t + 1));
    }

    function test_redeem_creditsExpireAtTheEnd() public {
        _at(
            end - 1,
            _redeemOne,
            abi.encodeWithSelector(IComputeMarket.ComputeRedemptionExceedsServable.selector, id, 1, 0, end - 1)
        );
        bytes4 e = IComputeMarket.ComputeCreditsExpired.selector;
        _at(end, _redeemOne, abi.encodeWithSelector(e, id, end, end));
        _at(end + 1, _redeemOne, abi.encodeWithSelector(e, id, end, end + 1));
    }

    function test_transfer_creditsMoveUntilTheEnd() public {
        bytes4 e = IComputeMarket.ComputeCreditsExpired.selector;
        _at(end - 1, _transferOne, _ok());
        _at(end, _transferOne, abi.encodeWithSelector(e, id, end, end));
        _at(end + 1, _transferOne, abi.encodeWithSelector(e, id, end, end + 1));
    }

    function test_views_redeemableNowAndExpiredCreditsTurnAtTheEnd() public {
        vm.warp(end - 1 hours);
        assertEq(market.redeemableNow(id), 4, "one whole hour of 4 GPUs at end - 1 hour");
        vm.warp(end - 1 hours + 1);
        assertEq(market.redeemableNow(id), 0, "no whole hour left");
        vm.warp(end - 1);
        assertEq(market.expiredCredits(id), 0, "not expired at end - 1");
        vm.warp(end);
        assertEq(market.expiredCredits(id), 4, "alice's 4 expire at end");
        vm.warp(end + 1);
        assertEq(market.expiredCredits(id), 4, "still expired at end + 1");
    }

    function test_recordDelivery_opensAtTheEnd() public {
        _at(
            end - 1,
            _recordNothing,
            abi.encodeWithSelector(IComputeMarket.ComputeWindowNotEnded.selector, id, end, end - 1)
        );
        _at(end, _recordNothing, _ok());
        _at(end + 1, _recordNothing, _ok());
    }

    function test_recordDelivery_closesAfterTheDeliveryPeriod() public {
        uint256 d = end + market.DELIVERY_PERIOD();
        assertEq(d, end + 604_800, "7 days");
        _at(d - 1, _recordNothing, _ok());
        _at(d, _recordNothing, _ok());
        _at(
            d + 1,
            _recordNothing,
            abi.encodeWithSelector(IComputeMarket.ComputeDeliveryPeriodOver.selector, id, d, d + 1)
        );
    }

    function test_lapseDelivery_onlyAfterTheDeliveryPeriod() public {
        uint256 d = end + 604_800; // end + DELIVERY_PERIOD (7 days)
        bytes4 e = IComputeMarket.ComputeDeliveryPeriodNotOver.selector;
        _at(d - 1, _lapse, abi.encodeWithSelector(e, id, d, d - 1));
        _at(d, _lapse, abi.encodeWithSelector(e, id, d, d));
        _at(d + 1, _lapse, _ok());
    }
}
