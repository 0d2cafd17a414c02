// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IFlexibilityMarket} from "../../contracts/interfaces/IFlexibilityMarket.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {FlexRevenueIntake} from "../../contracts/mocks/FlexRevenueIntake.sol";
import {Test} from "../utils/Test.sol";
import {FlexibilitySetup} from "./FlexibilityMarket.t.sol";

/// @notice What settling, expiring, returning escrow and claiming credit and move, unit by unit, against amounts
/// computed by hand (every window is two hours): a commitment of C watts is paid for at most 2 × C Wh, at the
/// request's price per Wh; its stake is stakeBps of that maximum payout, rounded up; a shortfall slashes the stake in
/// proportion, rounded up, to the buyer; and the last settlement returns what is left of the escrow to the buyer.
contract FlexibilitySettlementTest is Test, FlexibilitySetup {
    uint256 private constant VERIFIER_KEY = 0x7E41F1;
    address private constant STRANGER = address(0x5757);

    function setUp() public {
        _deploy();
        market.grantRole(market.VERIFIER_ROLE(), vm.addr(VERIFIER_KEY));
    }

    /// @dev A consume-less request over a two-hour window three hours ahead, proved by attestation.
    function _openConsumeLess(uint96 capacityW, uint96 pricePerWh, uint16 stakeBps) private returns (uint256) {
        IFlexibilityMarket.RequestTerms memory terms = _terms(3, capacityW);
        terms.direction = IFlexibilityMarket.Direction.ConsumeLess;
        terms.pricePerWh = pricePerWh;
        terms.stakeBps = stakeBps;
        vm.prank(buyer);
        return market.openRequest(terms);
    }

    function _commit(uint256 requestId, uint256 index, uint96 capacityW, address to) private returns (uint256) {
        vm.prank(providers[index]);
        return market.commit(requestId, batteries[index], capacityW, to);
    }

    function _attest(uint256 commitmentId, uint256 deliveredWh) private {
        (IFlexibilityMarket.DeliveryAttestation memory attestation, bytes memory signature) = _attestation(
            commitmentId,
            deliveredWh
        );
        market.settleWithAttestation(attestation, signature);
    }

    function _attestation(
        uint256 commitmentId,
        uint256 deliveredWh
    ) private view returns (IFlexibilityMarket.DeliveryAttestation memory attestation, bytes memory signature) {
        attestation = IFlexibilityMarket.DeliveryAttestation(commitmentId, deliveredWh, vm.addr(VERIFIER_KEY));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(VERIFIER_KEY, market.attestationDigest(attestation));
        signature = abi.encodePacked(r, s, v);
    }

    function _checkRequest(
        uint256 requestId,
        uint256 escrowLocked,
        uint256 stakeLocked,
        uint256 unsettled,
        bool escrowReturned
    ) private view {
        IFlexibilityMarket.Request memory request = market.getRequest(requestId);
        assertEq(request.escrowLocked, escrowLocked, "escrow locked");
        assertEq(request.stakeLocked, stakeLocked, "stake locked");
        assertEq(request.unsettled, unsettled, "unsettled");
        assertTrue(request.escrowReturned == escrowReturned, "escrow returned");
    }

    /// 1 MW at 7 units/Wh with a 30% stake: escrow 1,000,000 W × 2 h × 7 = 14,000,000. Commitments of 333,333 W
    /// (cap 666,666 Wh, max payout 4,666,662, stake ceil(1,399,998.6) = 1,399,999) and 666,667 W (cap 1,333,334 Wh,
    /// max payout 9,333,338, stake ceil(2,800,001.4) = 2,800,002).
    function test_settle_paysCappedDeliveryAndSlashesTheShortfallRoundedUp() public {
        uint256 requestId = _openConsumeLess(1_000_000, 7, 3_000);
        uint256 first = _commit(requestId, 0, 333_333, payee);
        uint256 second = _commit(requestId, 1, 666_667, providers[1]);
        assertEq(market.getCommitment(first).stake, 1_399_999, "first stake");
        assertEq(market.getCommitment(second).stake, 2_800_002, "second stake");
        assertEq(token.balanceOf(providers[0]), 1e15 - 1_399_999, "first stake taken");
        assertEq(token.balanceOf(address(market)), 18_200_001, "escrow and stakes held");
        _checkRequest(requestId, 14_000_000, 4_200_001, 2, false);

        vm.warp(market.getRequest(requestId).windowEnd);
        // 111,111 Wh: paid 777,777; shortfall 555,555 of 666,666 Wh slashes ceil(1,166,665.83) = 1,166,666.
        (IFlexibilityMarket.DeliveryAttestation memory attestation, bytes memory signature) = _attestation(
            first,
            111_111
        );
        vm.expectEmit();
        emit IFlexibilityMarket.CommitmentSettled(first, requestId, 111_111, 777_777, 1_166_666, 233_333);
        market.settleWithAttestation(attestation, signature);
        assertEq(market.claimable(payee), 777_777, "first payout");
        assertEq(market.claimable(providers[0]), 233_333, "first stake returned");
        assertEq(market.claimable(buyer), 1_166_666, "first slash");
        assertEq(market.totalClaimable(), 2_177_776, "credited so far");
        _checkRequest(requestId, 13_222_223, 2_800_002, 1, false);
        assertEq(market.balanceOf(providers[0], first), 0, "first position burned");
        assertEq(market.balanceOf(providers[1], second), 666_667, "second position kept");

        // 2,000,000 Wh is over the 1,333,334 Wh cap: paid 9,333,338, nothing slashed; the last settlement returns
        // the unused escrow 14,000,000 - 777,777 - 9,333,338 = 3,888,885.
        _attest(second, 2_000_000);
        assertEq(market.claimable(providers[1]), 12_133_340, "second payout and stake");
        assertEq(market.claimable(buyer), 5_055_551, "slash and unused escrow");
        assertEq(market.claimable(payee), 777_777, "first payout unchanged");
        assertEq(market.totalClaimable(), 18_200_001, "everything credited");
        _checkRequest(requestId, 0, 0, 0, true);
    }

    /// Every commitment counts against the requested capacity: after 600,000 W of a 1 MW request, 400,001 W is
    /// refused, 400,000 W fills it, and then even one watt is refused.
    function test_commit_countsEveryCommitmentAgainstTheRequestedCapacity() public {
        uint256 requestId = _openConsumeLess(1_000_000, 7, 3_000);
        _commit(requestId, 0, 600_000, payee);
        assertEq(market.getRequest(requestId).committedW, 600_000, "first commitment");

        vm.expectRevert(
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityExceedsRequestCapacity.selector,
                requestId,
                400_000,
                400_001
            )
        );
        _commit(requestId, 1, 400_001, payee);
        _commit(requestId, 1, 400_000, payee);
        assertEq(market.getRequest(requestId).committedW, 1_000_000, "both commitments");

        vm.expectRevert(
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityExceedsRequestCapacity.selector, requestId, 0, 1)
        );
        _commit(requestId, 2, 1, payee);
    }

    /// Only the provider redirects a commitment's payout, never to the zero address and not once it is settled; the
    /// payout then goes to the new payee alone.
    function test_setPayee_onlyTheProviderRedirectsThePayout() public {
        uint256 requestId = _openConsumeLess(1_000_000, 100, 5_000);
        uint256 commitmentId = _commit(requestId, 0, 250_000, payee);
        bytes4 notProvider = IFlexibilityMarket.FlexibilityNotProvider.selector;

        vm.expectRevert(abi.encodeWithSelector(notProvider, commitmentId, STRANGER));
        vm.prank(STRANGER);
        market.setPayee(commitmentId, STRANGER);
        vm.expectRevert(abi.encodeWithSelector(notProvider, commitmentId, payee));
        vm.prank(payee);
        market.setPayee(commitmentId, payee);
        vm.expectRevert(
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityInvalidCommitment.selector, 250_000, address(0))
        );
        vm.prank(providers[0]);
        market.setPayee(commitmentId, address(0));

        vm.prank(providers[0]);
        market.setPayee(commitmentId, STRANGER);
        assertEq(market.getCommitment(commitmentId).payee, STRANGER, "payee redirected");
        vm.warp(market.getRequest(requestId).windowEnd);
        _attest(commitmentId, 500_000);
        assertEq(market.claimable(STRANGER), 50_000_000, "the whole payout to the new payee");
        assertEq(market.claimable(payee), 0, "nothing to the old payee");

        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityAlreadySettled.selector, commitmentId));
        vm.prank(providers[0]);
        market.setPayee(commitmentId, payee);
    }

    /// A payout credited to a revenue intake is paid into it as flexibility revenue, in full: an intake of another
    /// asset is refused, and so is one that pulls a unit less than the credit.
    function test_payRevenue_paysTheWholeCreditIntoAnIntakeOfTheSameAsset() public {
        FlexRevenueIntake intake = new FlexRevenueIntake(address(token));
        FlexRevenueIntake otherAsset = new FlexRevenueIntake(address(0xD011A5));
        uint256 requestId = _openConsumeLess(1_000_000, 100, 5_000);
        uint256 commitmentId = _commit(requestId, 0, 250_000, address(intake));
        vm.warp(market.getRequest(requestId).windowEnd);
        _attest(commitmentId, 500_000);
        assertEq(market.claimable(address(intake)), 50_000_000, "payout credited to the intake");

        vm.expectRevert(
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityRevenueAssetMismatch.selector,
                address(otherAsset),
                address(0xD011A5)
            )
        );
        market.payRevenue(otherAsset);
        intake.setPullShort(true);
        vm.expectRevert(
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityTransferShortfall.selector, 50_000_000, 49_999_999)
        );
        market.payRevenue(intake);

        intake.setPullShort(false);
        uint256 held = token.balanceOf(address(market));
        vm.prank(STRANGER);
        market.payRevenue(intake);
        assertEq(intake.received(IRevenueIntake.RevenueSource.Flexibility), 50_000_000, "booked as flexibility");
        assertEq(token.balanceOf(address(intake)), 50_000_000, "paid in");
        assertEq(token.balanceOf(address(market)), held - 50_000_000, "left the market");
        assertEq(market.claimable(address(intake)), 0, "credit spent");
        assertEq(market.totalClaimable(), held - 50_000_000, "total less the payment");
        assertEq(token.allowance(address(market), address(intake)), 0, "no allowance left");
    }

    /// One commitment of 333,333 W at 7 units/Wh, stake 1,399,999: delivering its cap, one Wh less, one Wh more.
    function test_settle_edgesOfTheCap() public {
        uint256 requestId = _openConsumeLess(1_000_000, 7, 3_000);
        uint256 commitmentId = _commit(requestId, 0, 333_333, payee);
        vm.warp(market.getRequest(requestId).windowEnd);
        uint256 snapshot = vm.snapshotState();

        _attest(commitmentId, 666_666);
        assertEq(market.claimable(payee), 4_666_662, "cap: payout");
        assertEq(market.claimable(providers[0]), 1_399_999, "cap: stake returned");
        // unused escrow 14,000,000 - 4,666,662
        assertEq(market.claimable(buyer), 9_333_338, "cap: buyer");
        vm.revertToState(snapshot);

        // One Wh short: paid 4,666,655; slashed ceil(1,399,999 / 666,666) = ceil(2.1) = 3.
        _attest(commitmentId, 666_665);
        assertEq(market.claimable(payee), 4_666_655, "short: payout");
        assertEq(market.claimable(providers[0]), 1_399_996, "short: stake returned");
        assertEq(market.claimable(buyer), 9_333_348, "short: slash and escrow");
        vm.revertToState(snapshot);

        _attest(commitmentId, 666_667);
        assertEq(market.claimable(payee), 4_666_662, "over: payout capped");
        assertEq(market.claimable(providers[0]), 1_399_999, "over: stake returned");
        assertEq(market.claimable(buyer), 9_333_338, "over: buyer");
    }

    /// Nothing delivered: no payout, the whole stake to the buyer, nothing for the provider to claim.
    function test_settle_nothingDeliveredSlashesTheWholeStake() public {
        uint256 requestId = _openConsumeLess(1_000_000, 100, 5_000);
        uint256 commitmentId = _commit(requestId, 0, 250_000, payee);
        vm.warp(market.getRequest(requestId).windowEnd);
        _attest(commitmentId, 0);
        // stake 250,000 W × 2 h × 100 / 2 = 25,000,000; escrow 200,000,000 comes back whole.
        assertEq(market.claimable(buyer), 225_000_000, "stake and escrow");
        assertEq(market.claimable(payee), 0, "no payout");
        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityNothingToClaim.selector, providers[0]));
        vm.prank(providers[0]);
        market.claim(providers[0]);
    }

    /// Readings prove the counter's rise between them: from 25,000 Wh ten minutes into the window to 305,000 Wh at
    /// its end is 280,000 Wh of a 400,000 W commitment's 800,000 Wh cap at 100 units/Wh and a 50% stake of
    /// 40,000,000: paid 28,000,000, slashed 40,000,000 × 520,000 / 800,000 = 26,000,000, returned 14,000,000.
    function test_settleWithReadings_paysTheCounterRiseBetweenTheReadings() public {
        vm.prank(buyer);
        uint256 requestId = market.openRequest(_terms(3, 1_000_000));
        uint256 commitmentId = _commit(requestId, 0, 400_000, payee);
        IFlexibilityMarket.Request memory request = market.getRequest(requestId);
        vm.warp(request.windowEnd);
        // The ledger reads 5,000 Wh at the window's start and 305,000 Wh at its end.
        _meterWindow(batteries[0], request.windowStart, request.windowEnd, 300_000);
        (IMeteredEnergy.MeterReading memory a, bytes memory sa) = _reading(
            batteries[0],
            25_000,
            request.windowStart + 10 minutes
        );
        (IMeteredEnergy.MeterReading memory b, bytes memory sb) = _reading(batteries[0], 305_000, request.windowEnd);
        vm.expectEmit();
        emit IFlexibilityMarket.CommitmentSettled(commitmentId, requestId, 280_000, 28_000_000, 26_000_000, 14_000_000);
        market.settleWithReadings(commitmentId, a, sa, b, sb);
        assertEq(market.claimable(payee), 28_000_000, "payout");
        assertEq(market.claimable(providers[0]), 14_000_000, "stake returned");
        // slash 26,000,000 + unused escrow 200,000,000 - 28,000,000
        assertEq(market.claimable(buyer), 198_000_000, "buyer");
    }

    /// After the settlement deadline an unsettled commitment expires as if nothing were delivered, and as the
    /// request's last it returns the unused escrow; a settled one cannot be expired.
    function test_expire_slashesTheWholeStakeAndReturnsTheEscrow() public {
        uint256 requestId = _openConsumeLess(1_000_000, 100, 5_000);
        // stakes: 250,000 W → 25,000,000; 750,000 W → 75,000,000; escrow 200,000,000
        uint256 delivered = _commit(requestId, 0, 250_000, payee);
        uint256 silent = _commit(requestId, 1, 750_000, providers[1]);
        IFlexibilityMarket.Request memory request = market.getRequest(requestId);
        vm.warp(request.windowEnd);
        _attest(delivered, 500_000);
        assertEq(market.claimable(buyer), 0, "nothing for the buyer yet");
        _checkRequest(requestId, 150_000_000, 75_000_000, 1, false);

        vm.warp(request.settlementDeadline + 1);
        vm.expectEmit();
        emit IFlexibilityMarket.CommitmentSettled(silent, requestId, 0, 0, 75_000_000, 0);
        market.expire(silent);
        assertEq(market.claimable(buyer), 225_000_000, "slash and unused escrow");
        assertEq(market.claimable(providers[1]), 0, "nothing back");
        assertEq(market.claimable(payee), 50_000_000, "delivered payout");
        assertEq(market.claimable(providers[0]), 25_000_000, "delivered stake back");
        assertEq(market.balanceOf(providers[1], silent), 0, "position burned");
        assertTrue(market.getCommitment(silent).settled, "settled");
        _checkRequest(requestId, 0, 0, 0, true);
        assertEq(market.totalClaimable(), 300_000_000, "escrow and stakes credited");

        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityAlreadySettled.selector, silent));
        market.expire(silent);
        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityAlreadySettled.selector, delivered));
        market.expire(delivered);
    }

    /// The escrow comes back once: not while a commitment is open (even after the commitment deadline), in full
    /// for a request nobody committed to, never twice, and not again after the last settlement returned it.
    function test_returnEscrow_onceAndOnlyWhenNothingIsOpen() public {
        uint256 committed = _openConsumeLess(1_000_000, 100, 5_000);
        uint256 empty = _openConsumeLess(1_000_000, 100, 5_000);
        uint256 commitmentId = _commit(committed, 0, 250_000, payee);
        IFlexibilityMarket.Request memory request = market.getRequest(committed);
        vm.warp(request.commitDeadline + 1);

        vm.expectRevert(
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityRequestNotFinished.selector,
                committed,
                1,
                request.commitDeadline
            )
        );
        market.returnEscrow(committed);

        vm.prank(STRANGER);
        market.returnEscrow(empty);
        assertEq(market.claimable(buyer), 200_000_000, "whole escrow");
        assertEq(market.claimable(STRANGER), 0, "nothing for the caller");
        _checkRequest(empty, 0, 0, 0, true);
        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityEscrowAlreadyReturned.selector, empty));
        market.returnEscrow(empty);

        vm.warp(request.windowEnd);
        _attest(commitmentId, 500_000);
        // 200,000,000 + the committed request's unused escrow 200,000,000 - 50,000,000
        assertEq(market.claimable(buyer), 350_000_000, "both escrows");
        vm.expectRevert(
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityEscrowAlreadyReturned.selector, committed)
        );
        market.returnEscrow(committed);
        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityUnknownRequest.selector, 3));
        market.returnEscrow(3);
    }

    /// A claim pays the caller's whole credit to the address it names, once.
    function test_claim_paysTheWholeCreditToTheGivenAddressOnce() public {
        uint256 requestId = _openConsumeLess(1_000_000, 100, 5_000);
        uint256 commitmentId = _commit(requestId, 0, 250_000, payee);
        vm.warp(market.getRequest(requestId).windowEnd);
        _attest(commitmentId, 300_000);
        // paid 30,000,000; slashed 25,000,000 × 200,000 / 500,000 = 10,000,000; returned 15,000,000;
        // the buyer gets 10,000,000 + 200,000,000 - 30,000,000.
        assertEq(market.totalClaimable(), 225_000_000, "escrow and stake credited");
        assertEq(token.balanceOf(address(market)), 225_000_000, "held");

        vm.prank(payee);
        market.claim(STRANGER);
        assertEq(token.balanceOf(STRANGER), 30_000_000, "paid out");
        assertEq(token.balanceOf(payee), 0, "not to the caller");
        assertEq(market.claimable(payee), 0, "credit spent");
        assertEq(market.totalClaimable(), 195_000_000, "total less the claim");
        assertEq(token.balanceOf(address(market)), 195_000_000, "held less the claim");

        vm.prank(buyer);
        market.claim(buyer);
        assertEq(token.balanceOf(buyer), 1e15 - 200_000_000 + 180_000_000, "buyer back");
        assertEq(market.totalClaimable(), 15_000_000, "the returned stake left");
        assertEq(market.claimable(providers[0]), 15_000_000, "provider untouched");

        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityNothingToClaim.selector, payee));
        vm.prank(payee);
        market.claim(payee);
        vm.expectRevert(abi.encodeWithSelector(IFlexibilityMarket.FlexibilityNothingToClaim.selector, STRANGER));
        vm.prank(STRANGER);
        market.claim(STRANGER);
    }
}
