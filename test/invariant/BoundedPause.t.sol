// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBoundedPause} from "../../contracts/interfaces/IBoundedPause.sol";
import {BoundedPausable} from "../../contracts/utils/BoundedPausable.sol";
import {Test} from "../utils/Test.sol";

/// @dev The pause on its own, with the pause functions open to the test.
contract PausableHarness is BoundedPausable {
    uint256 public moves;

    function pause() external {
        _pause();
    }

    function unpause() external {
        _unpause();
    }

    function move() external whenNotPaused {
        ++moves;
    }
}

/// @dev Pauses, lifts and lets time pass (also to the exact second before, at and after a pause's lapse and the end
/// of its cooling-off); keeps its own model of when a pause is in force, from its inputs only. A mover tries to move
/// at every step, and a pauser tries to pause again during a pause and its cooling-off. `successes` counts each
/// action's outcomes for the reachability test.
contract PauseHandler is Test {
    uint64 internal constant MAX = 14 days;
    PausableHarness public immutable target;
    uint256 public immutable startedAt;

    uint256 public pauseStart;
    uint256 public pauseEnd; // when the model's current or last pause ends (lapse or lift)
    uint256 public pausedTime; // Σ length of finished pauses
    uint256 public mismatches; // a move allowed during a pause or refused outside one
    uint256 public pauses;
    uint256 public lifts;
    mapping(string action => uint256) public successes;

    constructor(PausableHarness target_) {
        target = target_;
        startedAt = block.timestamp;
    }

    function modelPaused() public view returns (bool) {
        return pauses != 0 && block.timestamp < pauseEnd;
    }

    function pausedSoFar() external view returns (uint256) {
        if (pauses == 0) return 0;
        uint256 end = block.timestamp < pauseEnd ? block.timestamp : pauseEnd;
        return pausedTime + end - pauseStart;
    }

    function pause() external {
        bool wasPaused = modelPaused();
        try target.pause() {
            if (pauses != 0) pausedTime += pauseEnd - pauseStart;
            pauseStart = block.timestamp;
            pauseEnd = block.timestamp + MAX;
            ++pauses;
            if (wasPaused) ++mismatches;
            ++successes["pause"];
        } catch {
            ++successes["pauseRefused"];
        }
    }

    function unpause() external {
        bool wasPaused = modelPaused();
        try target.unpause() {
            pauseEnd = block.timestamp;
            ++lifts;
            if (!wasPaused) ++mismatches;
            ++successes["unpause"];
        } catch {
            if (wasPaused) ++mismatches;
        }
    }

    function wait(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 20 days));
        ++successes["wait"];
    }

    /// @notice Moves the clock to t - 1, t or t + 1 of the current pause's lapse or of the end of its cooling-off.
    function waitToEdge(uint256 seed) external {
        uint256 edge = seed % 2 == 0 ? target.pausedUntil() : target.nextPauseAvailableAt();
        if (edge == 0) return;
        uint256 at = edge - 1 + ((seed >> 8) % 3);
        if (at <= block.timestamp) return;
        vm.warp(at);
        ++successes["waitToEdge"];
    }

    function move() external {
        bool wasPaused = modelPaused();
        try target.move() {
            if (wasPaused) ++mismatches;
            ++successes["move"];
        } catch {
            if (!wasPaused) ++mismatches;
            ++successes["moveRefused"];
        }
    }
}

contract BoundedPauseTest is Test {
    PausableHarness internal target;
    PauseHandler internal handler;

    function setUp() public {
        vm.warp(1_800_000_000);
        target = new PausableHarness();
        handler = new PauseHandler(target);
        targetContract(address(handler));
    }

    /// @notice Moves are refused exactly while the handler's own model says a pause is in force.
    function invariant_PauseInForceExactlyAsModelled() public view {
        assertEq(handler.mismatches(), 0, "moves allowed or refused against the model");
        assertEq(target.paused() ? 1 : 0, handler.modelPaused() ? 1 : 0, "paused() against the model");
    }

    /// @notice A pauser never stops balances for more than half of the time, plus one pause.
    function invariant_PausedAtMostHalfTheTimePlusOnePause() public view {
        uint256 elapsed = block.timestamp - handler.startedAt();
        assertLe(handler.pausedSoFar(), elapsed / 2 + 14 days, "paused time");
    }

    function test_pause_lapsesAtTheExactSecond() public {
        uint256 t = block.timestamp;
        target.pause();
        assertEq(target.pausedUntil(), t + 14 days, "lapse time");
        vm.warp(t + 14 days - 1);
        vm.expectRevert(IBoundedPause.EnforcedPause.selector);
        target.move();
        vm.warp(t + 14 days);
        target.move();
        assertEq(target.pausedUntil(), 0, "no pause in force");
    }

    function test_pause_waitsAsLongAsTheLastPauseLasted() public {
        uint256 t = block.timestamp;
        target.pause();
        vm.warp(t + 3 days);
        target.unpause();
        assertEq(target.nextPauseAvailableAt(), t + 6 days, "cooling-off");
        vm.warp(t + 6 days - 1);
        vm.expectRevert(abi.encodeWithSelector(IBoundedPause.BoundedPauseCoolingOff.selector, uint64(t + 6 days)));
        target.pause();
        vm.warp(t + 6 days);
        target.pause();
        assertTrue(target.paused(), "paused again");
    }

    function test_pause_afterALapseWaitsTheFullDuration() public {
        uint256 t = block.timestamp;
        target.pause();
        vm.warp(t + 28 days - 1);
        vm.expectRevert(abi.encodeWithSelector(IBoundedPause.BoundedPauseCoolingOff.selector, uint64(t + 28 days)));
        target.pause();
        vm.warp(t + 28 days);
        target.pause();
    }

    function test_pause_revertsWhilePaused() public {
        target.pause();
        vm.expectRevert(IBoundedPause.EnforcedPause.selector);
        target.pause();
    }

    function test_unpause_revertsWithoutAPauseInForce() public {
        vm.expectRevert(IBoundedPause.ExpectedPause.selector);
        target.unpause();
        uint256 t = block.timestamp;
        target.pause();
        vm.warp(t + 14 days);
        vm.expectRevert(IBoundedPause.ExpectedPause.selector);
        target.unpause();
    }
}

/// @notice A fixed pseudo-random sequence reaches every outcome (pause, refused pause, lift, move, refused move, waits
/// to the exact edges) at least `MIN_SUCCESSES` times with no move allowed or refused against the model.
contract BoundedPauseReachabilityTest is Test {
    uint256 private constant STEPS = 300;
    uint256 private constant MIN_SUCCESSES = 5;

    function test_handler_reachesEveryOutcome() public {
        vm.warp(1_800_000_000);
        PausableHarness target = new PausableHarness();
        PauseHandler handler = new PauseHandler(target);
        uint256 seed = 0x9a05e;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 action = seed % 6;
            if (action == 0) handler.pause();
            else if (action == 1) handler.unpause();
            else if (action == 2) handler.wait((seed >> 8) % 8 days);
            else if (action == 3) handler.waitToEdge(seed >> 8);
            else handler.move();
        }
        string[7] memory outcomes = ["pause", "pauseRefused", "unpause", "move", "moveRefused", "wait", "waitToEdge"];
        for (uint256 i; i < outcomes.length; ++i) {
            assertGe(handler.successes(outcomes[i]), MIN_SUCCESSES, outcomes[i]);
        }
        assertEq(handler.mismatches(), 0, "moves allowed or refused against the model");
        assertLe(handler.pausedSoFar(), (block.timestamp - handler.startedAt()) / 2 + 14 days, "paused time");
    }
}
