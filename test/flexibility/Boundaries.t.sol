// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IFlexibilityMarket} from "../../contracts/interfaces/IFlexibilityMarket.sol";
import {Edges} from "../utils/Edges.sol";
import {FlexibilitySetup} from "./FlexibilityMarket.t.sol";

/// @notice Every clock edge of the flexibility market at t - 1, t and t + 1, each second from the same state. The
/// request's window is [windowStart, windowEnd) two hours long, 3 hours ahead; commitDeadline = windowStart - 30
/// minutes; settlementDeadline = windowStart + 1 day. One commitment is open on it.
///
///   rule (contract's own)                                  t                    t - 1    t        t + 1
///   openRequest: the window must start after now           windowStart          ok       revert   revert
///   commit: open until the commit deadline, inclusive      commitDeadline       ok       ok       revert
///   returnEscrow: only after the commit deadline           commitDeadline       revert   revert   ok
///   settle: only once the window is over                   windowEnd            revert   ok       ok
///   settle: until the settlement deadline, inclusive       settlementDeadline   ok       ok       revert
///   expire: only after the settlement deadline             settlementDeadline   revert   revert   ok
contract FlexibilityMarketBoundariesTest is Edges, FlexibilitySetup {
    uint256 private constant VERIFIER_KEY = 0x7E41F1;

    IFlexibilityMarket.RequestTerms private terms;
    IFlexibilityMarket.RequestTerms private laterTerms;
    uint256 private requestId;
    uint256 private emptyRequestId;
    uint256 private commitmentId;
    IFlexibilityMarket.DeliveryAttestation private attestation;
    bytes private attestationSignature;

    function setUp() public {
        _deploy();
        terms = _terms(3, 2 * BATTERY_W);
        terms.direction = IFlexibilityMarket.Direction.ConsumeLess;
        laterTerms = _terms(5, BATTERY_W);
        vm.startPrank(buyer);
        requestId = market.openRequest(terms);
        emptyRequestId = market.openRequest(terms);
        vm.stopPrank();
        vm.prank(providers[0]);
        commitmentId = market.commit(requestId, batteries[0], BATTERY_W, payee);
        market.grantRole(market.VERIFIER_ROLE(), vm.addr(VERIFIER_KEY));
        attestation = IFlexibilityMarket.DeliveryAttestation(commitmentId, 1_000, vm.addr(VERIFIER_KEY));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(VERIFIER_KEY, market.attestationDigest(attestation));
        attestationSignature = abi.encodePacked(r, s, v);
    }

    function _open() private {
        vm.prank(buyer);
        market.openRequest(laterTerms);
    }

    function _commitSecond() private {
        vm.prank(providers[1]);
        market.commit(requestId, batteries[1], BATTERY_W, payee);
    }

    function _returnEscrow() private {
        market.returnEscrow(emptyRequestId);
    }

    function _attest() private {
        market.settleWithAttestation(attestation, attestationSignature);
    }

    function _expire() private {
        market.expire(commitmentId);
    }

    function test_openRequest_windowMustStartAfterNow() public {
        uint64 t = laterTerms.windowStart;
        bytes4 e = IFlexibilityMarket.FlexibilityWindowInPast.selector;
        _at(t - 1, _open, _ok());
        _at(t, _open, abi.encodeWithSelector(e, t, t));
        _at(t + 1, _open, abi.encodeWithSelector(e, t, t + 1));
    }

    function test_commit_openUntilTheCommitDeadlineInclusive() public {
        uint64 t = terms.commitDeadline;
        _at(t - 1, _commitSecond, _ok());
        _at(t, _commitSecond, _ok());
        bytes4 e = IFlexibilityMarket.FlexibilityCommitmentClosed.selector;
        _at(t + 1, _commitSecond, abi.encodeWithSelector(e, requestId, t, t + 1));
    }

    function test_returnEscrow_onlyAfterTheCommitDeadline() public {
        uint64 t = terms.commitDeadline;
        bytes memory notFinished = abi.encodeWithSelector(
            IFlexibilityMarket.FlexibilityRequestNotFinished.selector,
            emptyRequestId,
            0,
            t
        );
        _at(t - 1, _returnEscrow, notFinished);
        _at(t, _returnEscrow, notFinished);
        _at(t + 1, _returnEscrow, _ok());
    }

    function test_settle_onlyOnceTheWindowIsOver() public {
        uint64 t = terms.windowEnd;
        bytes4 e = IFlexibilityMarket.FlexibilityWindowNotOver.selector;
        _at(t - 1, _attest, abi.encodeWithSelector(e, commitmentId, t, t - 1));
        _at(t, _attest, _ok());
        _at(t + 1, _attest, _ok());
    }

    function test_settle_untilTheSettlementDeadlineInclusive() public {
        uint64 t = terms.settlementDeadline;
        _at(t - 1, _attest, _ok());
        _at(t, _attest, _ok());
        bytes4 e = IFlexibilityMarket.FlexibilitySettlementDeadlinePassed.selector;
        _at(t + 1, _attest, abi.encodeWithSelector(e, commitmentId, t, t + 1));
    }

    function test_expire_onlyAfterTheSettlementDeadline() public {
        uint64 t = terms.settlementDeadline;
        bytes4 e = IFlexibilityMarket.FlexibilityNotExpired.selector;
        _at(t - 1, _expire, abi.encodeWithSelector(e, commitmentId, t, t - 1));
        _at(t, _expire, abi.encodeWithSelector(e, commitmentId, t, t));
        _at(t + 1, _expire, _ok());
    }
}
