// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheNote} from "../../contracts/interfaces/ITrancheNote.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {NoteShareMath} from "../../contracts/libraries/NoteShareMath.sol";
import {BlocklistToken} from "../../contracts/mocks/BlocklistToken.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @dev The log-recording cheatcodes, which `Vm` does not declare: the waterfall's reports live in events only.
interface IVmLogs {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;

    function getRecordedLogs() external returns (Log[] memory);
}

/// @notice Builds three-tranche vaults (8% amortizing senior, 12% bullet mezzanine, residual equity, daily periods).
abstract contract VaultSetup {
    uint256 internal constant PERIOD = 1 days;

    function _tranches(
        uint256 senior,
        uint256 mezzanine,
        uint256 equity
    ) internal pure returns (ITrancheVault.TrancheParams[] memory t) {
        t = new ITrancheVault.TrancheParams[](3);
        t[0] = ITrancheVault.TrancheParams("Senior", "SR", senior, 1, 800, senior / 40);
        t[1] = ITrancheVault.TrancheParams("Mezzanine", "MZ", mezzanine, 1, 1200, 0);
        t[2] = ITrancheVault.TrancheParams("Equity", "EQ", equity, 1, 0, 0);
    }

    function _deployVault(
        address coin,
        InvestorRegistry registry,
        address admin,
        ITrancheVault.TrancheParams[] memory tranches,
        uint32 periodCount
    ) internal returns (TrancheVault) {
        return
            new TrancheVault(
                ITrancheVault.VaultParams({
                    asset: coin,
                    registry: address(registry),
                    admin: admin,
                    projectWallet: address(0xB0B),
                    feeRecipient: address(0xFEE),
                    fundingDeadline: uint64(block.timestamp + 365 days),
                    periodLength: uint64(PERIOD),
                    periodCount: periodCount,
                    servicingFeePerPeriod: 1e6,
                    reserveTargetBps: 500,
                    minCoverageBps: 12_000
                }),
                tranches
            );
    }
}

/// @notice Drives a vault through its whole life - subscriptions, funding close or failure, drawdown or its absence
/// (an operator who never draws, a project wallet the stablecoin blocks), revenue, distributions, transfers (direct
/// and through a spender), claims, redemptions, refunds, freezes, write-downs and contested recoveries - while a
/// third party calls every permissionless function around each deadline (t - 1, t, t + 1) and frozen accounts try
/// every path a note can take. Ghosts total every stablecoin flow and count successes of actions that must fail.
// solhint-disable-next-line max-states-count
contract TrancheVaultHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address public constant SPENDER = address(0x3001);
    address public constant ATTACKER = address(0x3BAD);
    address public constant WALLET = address(0xB0B);

    TrancheVault public immutable vault;
    BlocklistToken public immutable coin;
    InvestorRegistry public immutable registry;
    address[4] public holders = [address(0x1001), address(0x1002), address(0x1003), address(0x1004)];
    address[2] public outsiders = [address(0x2001), address(0x2002)];

    uint256 public ghostPaidIn;
    uint256 public ghostRevenue;
    uint256 public ghostDrawn;
    uint256 public ghostClaimed;
    uint256 public ghostRefunded;
    uint256 public ghostFeesPaid;
    /// Successes of calls that must fail (a frozen account moving or taking value, a third party acting for others,
    /// a clock-gated call before its time). Must stay 0.
    uint256 public ghostForbidden;
    /// Failures of permissionless calls whose conditions were all met (a way out that did not open). Must stay 0.
    uint256 public ghostStuck;
    /// Upper bound on rounding dust: one base unit per holder settlement and per tranche allotment.
    uint256 public ghostRoundings;
    uint256 public ghostDistributions;
    uint256 public ghostUnwinds;
    uint256 public ghostFundingFailures;
    uint256 public ghostRecoveries;
    uint256 public ghostRedemptions;
    /// What each tranche's holders were allotted (what the notes' accumulators can pay out) and took out.
    uint256[3] public ghostAllotted;
    uint256[3] public ghostTaken;
    /// Each distributed period's waterfall, as its events reported it.
    mapping(uint256 period => ITrancheVault.PeriodReport) private _periodReports;
    mapping(uint256 period => mapping(uint256 trancheId => ITrancheVault.TrancheReport)) private _trancheReports;

    constructor(TrancheVault vault_, BlocklistToken coin_, InvestorRegistry registry_) {
        vault = vault_;
        coin = coin_;
        registry = registry_;
    }

    // --- funding ---

    function subscribe(uint256 actorSeed, uint256 trancheSeed, uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Funding) return;
        if (block.timestamp >= vault.params().fundingDeadline) return;
        address actor = holders[actorSeed % 4];
        if (registry.investor(actor).frozen) return;
        // Start at the chosen tranche and take the first one still open, so funding completes in a few calls.
        uint256 id = trancheSeed % 3;
        uint256 remaining;
        for (uint256 k; k < 3 && remaining == 0; ++k) {
            id = (trancheSeed + k) % 3;
            ITrancheVault.Tranche memory t = vault.tranche(id);
            remaining = t.targetSize - t.raised;
        }
        if (remaining == 0) return;
        amount = amount % 2 == 0 ? remaining : _bound(amount, 1, remaining);
        coin.mint(actor, amount);
        VM.startPrank(actor);
        coin.approve(address(vault), amount);
        vault.subscribe(id, amount);
        VM.stopPrank();
        ghostPaidIn += amount;
        ++ghostRoundings;
        _closeFunding(address(this));
    }

    function closeFunding() external {
        _closeFunding(address(this));
    }

    /// @dev The operator draws, unless the stablecoin blocks the project wallet or the deadline passed.
    function drawdown() external {
        if (vault.state() != ITrancheVault.VaultState.Active || vault.totals().drawn != 0) return;
        bool allowed = block.timestamp < vault.drawDeadline() && !coin.blocked(WALLET);
        try vault.drawdown() {
            if (!allowed) ++ghostForbidden;
            ghostDrawn = ghostPaidIn;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    /// @dev The stablecoin blocks (or unblocks) the project wallet, so that the drawdown can never succeed.
    function blockWallet(bool blocked) external {
        coin.setBlocked(WALLET, blocked);
    }

    // --- servicing ---

    function receiveRevenue(uint256 sourceSeed, uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        amount = _bound(amount, 1, 300e6);
        coin.mint(address(this), amount);
        coin.approve(address(vault), amount);
        vault.receiveRevenue(IRevenueIntake.RevenueSource(sourceSeed % 4), amount);
        ghostRevenue += amount;
    }

    /// @dev Runs the next one or two periods: the operator usually draws first (not when `absentOperator`), the clock
    /// moves to the period's end, and anyone distributes; an undrawn raise past its deadline is unwound instead.
    function distribute(bool absentOperator, bool twoPeriods) external {
        if (vault.state() == ITrancheVault.VaultState.Funding) {
            _closeFunding(address(this));
            return;
        }
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        if (vault.totals().drawn == 0 && !absentOperator) this.drawdown();
        for (uint256 k; k < (twoPeriods ? 2 : 1) && vault.state() == ITrancheVault.VaultState.Active; ++k) {
            uint256 end = vault.periodEnd(vault.lastDistributedPeriod() + 1);
            if (block.timestamp < end) VM.warp(end);
            _distribute(address(this));
            _unwind(address(this));
        }
    }

    function writeDown(uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Active || vault.totals().drawn == 0) return;
        uint256 total;
        for (uint256 i; i < 3; ++i) total += vault.tranche(i).principal;
        if (total == 0) return;
        vault.writeDown(_bound(amount, 1, total / 4 + 1));
    }

    function payFees() external {
        (uint256 owed, ) = vault.fees();
        if (owed == 0) return;
        vault.payFees();
        ghostFeesPaid += owed;
    }

    // --- note movements: every path, with frozen senders, receivers and spenders ---

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 trancheSeed, uint256 amount) external {
        address from = holders[fromSeed % 4];
        address to = holders[toSeed % 4];
        ITrancheNote note = ITrancheNote(vault.tranche(trancheSeed % 3).note);
        uint256 balance = note.balanceOf(from);
        if (balance == 0) return;
        bool allowed = !_frozen(from) && !_frozen(to);
        VM.prank(from);
        try note.transfer(to, _bound(amount, 0, balance)) {
            if (!allowed) ++ghostForbidden;
            // solhint-disable-next-line reentrancy
            ghostRoundings += 2;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    /// @dev A holder approves the spender, who may be frozen afterwards, and the spender moves the holder's notes.
    function transferFrom(uint256 fromSeed, uint256 toSeed, uint256 trancheSeed, uint256 amount, bool freeze) external {
        address from = holders[fromSeed % 4];
        address to = holders[toSeed % 4];
        ITrancheNote note = ITrancheNote(vault.tranche(trancheSeed % 3).note);
        uint256 balance = note.balanceOf(from);
        if (balance == 0) return;
        amount = _bound(amount, 0, balance);
        VM.prank(from);
        note.approve(SPENDER, amount);
        if (freeze != _frozen(SPENDER)) registry.setFrozen(SPENDER, freeze);
        bool allowed = !_frozen(SPENDER) && !_frozen(from) && !_frozen(to);
        VM.prank(SPENDER);
        try note.transferFrom(from, to, amount) {
            if (!allowed) ++ghostForbidden;
            ghostRoundings += 2;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    /// @dev Must always fail; if it ever succeeded the allow-list invariant would catch it.
    function transferToOutsider(uint256 fromSeed, uint256 toSeed, uint256 trancheSeed, uint256 amount) external {
        address from = holders[fromSeed % 4];
        ITrancheNote note = ITrancheNote(vault.tranche(trancheSeed % 3).note);
        uint256 balance = note.balanceOf(from);
        if (balance == 0) return;
        VM.prank(from);
        try note.transfer(outsiders[toSeed % 2], _bound(amount, 1, balance)) {
            ++ghostForbidden;
        } catch {}
    }

    function claim(uint256 actorSeed, uint256 trancheSeed) external {
        // Start at the chosen holder and take the first one with something to claim.
        uint256 id = trancheSeed % 3;
        address actor;
        uint256 amount;
        for (uint256 k; k < 4 && amount == 0; ++k) {
            actor = holders[(actorSeed + k) % 4];
            amount = vault.claimableOf(id, actor);
        }
        if (amount == 0) return;
        bool allowed = !_frozen(actor);
        VM.prank(actor);
        try vault.claim(id, actor) returns (uint256 paid) {
            if (!allowed) ++ghostForbidden;
            ghostClaimed += paid;
            ghostTaken[id] += paid;
            ++ghostRoundings;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    function redeem(uint256 actorSeed, uint256 trancheSeed) external {
        if (vault.state() != ITrancheVault.VaultState.Matured) return;
        address actor = holders[actorSeed % 4];
        uint256 id = trancheSeed % 3;
        if (ITrancheNote(vault.tranche(id).note).balanceOf(actor) == 0 && vault.claimableOf(id, actor) == 0) return;
        bool allowed = !_frozen(actor);
        VM.prank(actor);
        try vault.redeem(id, actor) returns (uint256 paid) {
            if (!allowed) ++ghostForbidden;
            ghostClaimed += paid;
            ghostTaken[id] += paid;
            ++ghostRoundings;
            ++ghostRedemptions;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    function refund(uint256 actorSeed, uint256 trancheSeed) external {
        if (vault.state() != ITrancheVault.VaultState.Failed) return;
        address actor = holders[actorSeed % 4];
        uint256 id = trancheSeed % 3;
        uint256 notes = ITrancheNote(vault.tranche(id).note).balanceOf(actor);
        if (notes == 0 && vault.claimableOf(id, actor) == 0) return;
        bool allowed = !_frozen(actor);
        VM.prank(actor);
        try vault.refund(id, actor) returns (uint256 paid) {
            if (!allowed) ++ghostForbidden;
            ghostRefunded += notes;
            ghostClaimed += paid - notes;
            ghostTaken[id] += paid - notes;
            ++ghostRoundings;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    function toggleFreeze(uint256 actorSeed) external {
        address actor = holders[actorSeed % 4];
        registry.setFrozen(actor, !registry.investor(actor).frozen);
    }

    // --- recovery: holders 0 and 1 are one investor, holders 2 and 3 another ---

    function announceRecovery(uint256 lostSeed) external {
        address lost = holders[lostSeed % 4];
        try vault.announceRecovery(lost, _partner(lost)) {} catch {}
    }

    /// @dev The holder contests from the old wallet (always allowed while a recovery is pending).
    function contestRecovery(uint256 lostSeed) external {
        address lost = holders[lostSeed % 4];
        (address replacement, ) = vault.pendingRecovery(lost);
        if (replacement == address(0)) return;
        VM.prank(lost);
        try vault.cancelRecovery(lost) {} catch {
            ++ghostStuck;
        }
    }

    // --- the clock and the third party ---

    /// @dev Moves the clock to t - 1, t or t + 1 of the next deadline of the chosen kind (funding deadline, draw
    /// deadline, the next period's end, maturity, a recovery's contest window), never backwards.
    function warpToBoundary(uint256 kindSeed, uint256 offsetSeed) external {
        uint256 target;
        uint256 kind = kindSeed % 5;
        uint256 start = vault.startTime();
        if (kind == 0) target = vault.params().fundingDeadline;
        else if (kind == 1) target = vault.drawDeadline();
        else if (kind == 2 && start != 0) target = vault.periodEnd(vault.lastDistributedPeriod() + 1);
        else if (kind == 3 && start != 0) target = vault.periodEnd(vault.params().periodCount);
        else if (kind == 4) (, target) = vault.pendingRecovery(holders[offsetSeed % 4]);
        if (target == 0) return;
        target = target - 1 + (offsetSeed % 3);
        if (target > block.timestamp) VM.warp(target);
    }

    /// @dev A third party (not listed, no role, no allowance) calls every permissionless function, and every
    /// function it must not be able to use; each outcome is checked against the documented conditions.
    function poke(uint256 holderSeed, uint256 trancheSeed) external {
        address holder = holders[holderSeed % 4];
        uint256 id = trancheSeed % 3;
        _closeFunding(ATTACKER);
        _distribute(ATTACKER);
        _unwind(ATTACKER);
        _execute(ATTACKER, holder);

        ITrancheNote note = ITrancheNote(vault.tranche(id).note);
        uint256 balance = note.balanceOf(holder);
        VM.startPrank(ATTACKER);
        if (balance != 0) {
            try note.transferFrom(holder, holders[(holderSeed + 1) % 4], 1) {
                ++ghostForbidden;
            } catch {}
        }
        try vault.cancelRecovery(holder) {
            ++ghostForbidden;
        } catch {}
        try vault.announceRecovery(holder, ATTACKER) {
            ++ghostForbidden;
        } catch {}
        try vault.drawdown() {
            ++ghostForbidden;
        } catch {}
        try vault.writeDown(1) {
            ++ghostForbidden;
        } catch {}
        try vault.claim(id, ATTACKER) {
            ++ghostForbidden;
        } catch {}
        try vault.redeem(id, ATTACKER) {
            ++ghostForbidden;
        } catch {}
        try vault.refund(id, ATTACKER) {
            ++ghostForbidden;
        } catch {}
        try vault.setFeeRecipient(ATTACKER) {
            ++ghostForbidden;
        } catch {}
        VM.stopPrank();
        (uint256 owed, ) = vault.fees();
        VM.prank(ATTACKER);
        try vault.payFees() {
            if (owed == 0) ++ghostForbidden;
            ghostFeesPaid += owed;
        } catch {
            if (owed != 0) ++ghostStuck;
        }
    }

    function holderCount() external pure returns (uint256) {
        return 4;
    }

    // --- checked calls shared by the operator's, anyone's and the attacker's paths ---

    function _closeFunding(address caller) private {
        if (vault.state() != ITrancheVault.VaultState.Funding) return;
        bool full = true;
        for (uint256 i; i < 3; ++i) {
            ITrancheVault.Tranche memory t = vault.tranche(i);
            if (t.raised < t.targetSize) full = false;
        }
        bool allowed = full || block.timestamp >= vault.params().fundingDeadline;
        VM.prank(caller);
        try vault.closeFunding() {
            if (!allowed) ++ghostForbidden;
            if (!full) ++ghostFundingFailures;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    function _distribute(address caller) private {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        uint256 next = vault.lastDistributedPeriod() + 1;
        bool allowed = vault.totals().drawn != 0 && block.timestamp >= vault.periodEnd(next);
        uint256[3] memory before = _accumulators();
        IVmLogs(address(VM)).recordLogs();
        VM.prank(caller);
        try vault.distribute(next) {
            if (!allowed) ++ghostForbidden;
            ++ghostDistributions;
            ghostRoundings += 3;
            _bookAllotments(before);
            _bookReports(IVmLogs(address(VM)).getRecordedLogs());
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    function _unwind(address caller) private {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        bool allowed = vault.totals().drawn == 0 && block.timestamp >= vault.drawDeadline();
        uint256[3] memory before = _accumulators();
        VM.prank(caller);
        try vault.unwind() {
            if (!allowed) ++ghostForbidden;
            _bookAllotments(before);
            ++ghostUnwinds;
            ++ghostRoundings;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    function _execute(address caller, address lost) private {
        (address replacement, uint256 executableAt) = vault.pendingRecovery(lost);
        bool allowed = replacement != address(0) && block.timestamp >= executableAt && registry.isVerified(replacement);
        VM.prank(caller);
        try vault.recoverNotes(lost) {
            if (!allowed) ++ghostForbidden;
            ++ghostRecoveries;
            ghostRoundings += 6;
        } catch {
            if (allowed) ++ghostStuck;
        }
    }

    function periodReport(uint256 period) external view returns (ITrancheVault.PeriodReport memory) {
        return _periodReports[period];
    }

    function trancheReport(uint256 period, uint256 id) external view returns (ITrancheVault.TrancheReport memory) {
        return _trancheReports[period][id];
    }

    function _accumulators() private view returns (uint256[3] memory perNote) {
        for (uint256 id; id < 3; ++id) perNote[id] = vault.tranche(id).cashPerNote;
    }

    /// @dev What the accumulators' growth lets the holders take out: the consumption the vault books, rounded up.
    function _bookAllotments(uint256[3] memory before) private {
        for (uint256 id; id < 3; ++id) {
            ITrancheVault.Tranche memory t = vault.tranche(id);
            uint256 supply = IERC20(t.note).totalSupply();
            ghostAllotted[id] += NoteShareMath.consumedUp(t.cashPerNote - before[id], supply);
        }
    }

    function _bookReports(IVmLogs.Log[] memory logs) private {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(vault)) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == ITrancheVault.WaterfallDistributed.selector) {
                _periodReports[uint256(logs[i].topics[1])] = abi.decode(logs[i].data, (ITrancheVault.PeriodReport));
            } else if (topic == ITrancheVault.TrancheServiced.selector) {
                (ITrancheVault.TrancheReport memory report, ) = abi.decode(
                    logs[i].data,
                    (ITrancheVault.TrancheReport, uint256)
                );
                _trancheReports[uint256(logs[i].topics[1])][uint256(logs[i].topics[2])] = report;
            }
        }
    }

    function _partner(address holder) private view returns (address) {
        for (uint256 i; i < 4; ++i) if (holders[i] == holder) return holders[i ^ 1];
        return address(0);
    }

    function _frozen(address account) private view returns (bool) {
        return registry.investor(account).frozen;
    }

    function _bound(uint256 value, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (value % (max - min + 1));
    }
}

contract TrancheVaultInvariantTest is Test, VaultSetup {
    BlocklistToken private coin;
    InvestorRegistry private registry;
    TrancheVault private vault;
    TrancheVaultHandler private handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new BlocklistToken();
        registry = new InvestorRegistry(address(this));
        vault = _deployVault(address(coin), registry, address(this), _tranches(600e6, 300e6, 100e6), 4);
        handler = new TrancheVaultHandler(vault, coin, registry);
        registry.grantRole(registry.AGENT_ROLE(), address(handler));
        vault.grantRole(vault.OPERATOR_ROLE(), address(handler));
        vault.grantRole(vault.AGENT_ROLE(), address(handler));
        vault.grantRole(vault.LOSS_ASSESSOR_ROLE(), address(handler));
        registry.listInvestor(handler.SPENDER(), uint64(block.timestamp + 3650 days), 1);
        for (uint256 i; i < 4; ++i) {
            registry.listInvestor(handler.holders(i), uint64(block.timestamp + 3650 days), 1);
            registry.linkIdentity(handler.holders(i), i < 2 ? bytes32("investor A") : bytes32("investor B"));
        }
        // Senior and mezzanine start fully subscribed so that most runs reach servicing; equity is left to the fuzzer.
        handler.subscribe(0, 0, 0);
        handler.subscribe(1, 1, 0);
        handler.subscribe(2, 2, 41e6 + 1); // odd: a partial subscription
        targetContract(address(handler));
    }

    /// Reachability: the handler's own paths reach maturity (with redemptions and a recovery) and both failures.
    function test_handler_reachesMaturityAndRecovery() public {
        handler.subscribe(2, 2, 0);
        handler.drawdown();
        handler.receiveRevenue(0, 50e6);
        handler.distribute(false, false);
        handler.transfer(0, 3, 0, 100e6);
        handler.transferFrom(3, 2, 0, 50e6, false);
        handler.transferFrom(2, 1, 0, 50e6, true);
        handler.claim(0, 0);
        handler.claim(3, 0);
        handler.writeDown(150e6);
        handler.payFees();
        handler.announceRecovery(3);
        handler.warpToBoundary(4, 7);
        handler.poke(3, 0);
        assertEq(handler.ghostRecoveries(), 1, "recovered");
        assertGe(handler.ghostClaimed(), 1, "claimed");
        assertGe(vault.tranche(2).writtenDown, 1, "written down");
        for (uint256 i; i < 4; ++i) handler.distribute(false, false);
        assertTrue(vault.state() == ITrancheVault.VaultState.Matured, "matured");
        // The reports the rule invariants read come from the vault's events: they were recorded.
        assertEq(handler.periodReport(1).feeDue, vault.params().servicingFeePerPeriod, "period 1 reported");
        assertGe(handler.periodReport(1).revenue, 50e6, "revenue reported");
        handler.redeem(0, 0);
        handler.redeem(2, 2);
        assertEq(handler.ghostRedemptions(), 2, "redeemed");
        assertEq(handler.ghostForbidden(), 0, "forbidden");
        assertEq(handler.ghostStuck(), 0, "stuck");
    }

    function test_handler_reachesUnwindWhenTheWalletIsBlocked() public {
        handler.subscribe(2, 2, 0);
        handler.blockWallet(true);
        handler.receiveRevenue(1, 7e6);
        handler.distribute(false, false);
        assertEq(handler.ghostUnwinds(), 1, "unwound");
        assertTrue(vault.state() == ITrancheVault.VaultState.Failed, "failed");
        for (uint256 i; i < 4; ++i) for (uint256 id; id < 3; ++id) handler.refund(i, id);
        assertEq(coin.balanceOf(address(vault)), 0, "everything refunded");
        assertEq(handler.ghostStuck(), 0, "stuck");
    }

    function test_handler_reachesUnwindWhenTheOperatorIsAbsent() public {
        handler.subscribe(2, 2, 0);
        handler.distribute(true, false);
        assertEq(handler.ghostUnwinds(), 1, "unwound");
    }

    function test_handler_reachesFailedFunding() public {
        handler.warpToBoundary(0, 1);
        handler.poke(0, 0);
        assertEq(handler.ghostFundingFailures(), 1, "funding failed");
        handler.refund(0, 0);
        assertEq(handler.ghostRefunded(), 600e6, "refunded");
    }

    /// Money: the vault holds exactly what flowed in and not out, every unit of it has a way out, and payouts never
    /// promise more than was allotted.
    /// forge-config: default.invariant.runs = 96
    /// forge-config: default.invariant.depth = 64
    function invariant_money() public view {
        _checkHeldEqualsFlows();
        _checkEveryUnitHeldHasAWayOut();
        _checkClaimedPlusClaimableWithinDistributed();
    }

    /// Rules: no forbidden success and no stuck exit, maturity at term, repaid apart from written off, priority of
    /// payments and of losses, notes only with listed holders.
    /// forge-config: default.invariant.runs = 96
    /// forge-config: default.invariant.depth = 64
    function invariant_rules() public view {
        _checkNoForbiddenSuccessAndNoStuckExit();
        _checkMaturityFollowsTheTerm();
        _checkPrincipalIsOutstandingRepaidOrWrittenOff();
        _checkNoJuniorPaidWhileSeniorDueUnpaid();
        _checkLossesHitJuniorsFirst();
        _checkNotesOnlyWithAllowListedAccounts();
    }

    function _checkHeldEqualsFlows() internal view {
        uint256 expected =
            handler.ghostPaidIn() +
                handler.ghostRevenue() -
                handler.ghostDrawn() -
                handler.ghostRefunded() -
                handler.ghostClaimed() -
                handler.ghostFeesPaid();
        assertEq(coin.balanceOf(address(vault)), expected, "held = paid in + revenue - drawn - refunded - out");
    }

    /// Every unit held has an owner who can take it (or will, once the waterfall allots it): the undrawn raise is the
    /// note holders' (refund), allotted payouts the holders' (claim, redeem, refund), fees the recipient's (payFees);
    /// the reserve and pending revenue wait for the next distribution and are zero (pending at most 1 unit of
    /// allotment dust) once the vault is Matured or Failed. What the holders' views show falls short of what was
    /// allotted by rounding dust only: at most one base unit per holder settlement and per tranche allotment.
    function _checkEveryUnitHeldHasAWayOut() internal view {
        uint256 held = coin.balanceOf(address(vault));
        uint256 face;
        if (vault.totals().drawn == 0) {
            for (uint256 id; id < 3; ++id) face += IERC20(vault.tranche(id).note).totalSupply();
        }
        uint256 allotted;
        uint256 claimable;
        for (uint256 id; id < 3; ++id) {
            allotted += handler.ghostAllotted(id) - handler.ghostTaken(id);
            for (uint256 i; i < 4; ++i) claimable += vault.claimableOf(id, handler.holders(i));
        }
        (uint256 fees, ) = vault.fees();
        assertEq(held, face + allotted + fees + vault.reserve() + vault.pendingRevenue(), "held = sum of claims");
        assertLe(claimable, allotted, "views never promise more than was allotted");
        assertLe(allotted - claimable, handler.ghostRoundings() + 12, "dust within the rounding bound");
        ITrancheVault.VaultState s = vault.state();
        if (s == ITrancheVault.VaultState.Matured || s == ITrancheVault.VaultState.Failed) {
            assertEq(vault.reserve(), 0, "no reserve left at the end");
            assertLe(vault.pendingRevenue(), 1, "no revenue left unallotted at the end");
        }
    }

    function _checkNoForbiddenSuccessAndNoStuckExit() internal view {
        assertEq(handler.ghostForbidden(), 0, "an action that must fail succeeded");
        assertEq(handler.ghostStuck(), 0, "a way out that should be open failed");
    }

    /// Maturity is the term: the vault is Matured exactly when the last period was distributed, and only a drawn
    /// vault distributes.
    function _checkMaturityFollowsTheTerm() internal view {
        uint256 last = vault.lastDistributedPeriod();
        ITrancheVault.VaultState s = vault.state();
        assertTrue((s == ITrancheVault.VaultState.Matured) == (last == vault.params().periodCount), "matured at term");
        if (last != 0) assertTrue(vault.totals().drawn != 0, "distributed only after the drawdown");
    }

    /// Repaid and written off are kept apart: raised = outstanding + repaid + written off, for every tranche.
    function _checkPrincipalIsOutstandingRepaidOrWrittenOff() internal view {
        for (uint256 id; id < 3; ++id) {
            ITrancheVault.Tranche memory t = vault.tranche(id);
            assertEq(t.raised, t.principal + t.principalRepaid + t.writtenDown, "raised = principal + repaid + lost");
        }
    }

    function _checkClaimedPlusClaimableWithinDistributed() internal view {
        for (uint256 id; id < 3; ++id) {
            uint256 claimable;
            for (uint256 i; i < 4; ++i) claimable += vault.claimableOf(id, handler.holders(i));
            assertLe(handler.ghostTaken(id) + claimable, handler.ghostAllotted(id), "claimed + claimable <= allotted");
        }
    }

    function _checkNoJuniorPaidWhileSeniorDueUnpaid() internal view {
        uint256 last = vault.lastDistributedPeriod();
        for (uint256 p = 1; p <= last; ++p) {
            ITrancheVault.PeriodReport memory r = handler.periodReport(p);
            ITrancheVault.TrancheReport memory sr = handler.trancheReport(p, 0);
            ITrancheVault.TrancheReport memory mz = handler.trancheReport(p, 1);
            bool juniorsPaid = sr.interestPaid + mz.interestPaid + sr.principalPaid + mz.principalPaid > 0;
            if (r.feePaid < r.feeDue) assertFalse(juniorsPaid || r.equityResidual > 0, "fee before interest");
            if (sr.interestPaid < sr.interestDue) {
                assertEq(mz.interestPaid + sr.principalPaid + mz.principalPaid, 0, "senior interest first");
            }
            if (mz.interestPaid < mz.interestDue) {
                assertEq(r.reserveToppedUp + sr.principalPaid + mz.principalPaid, 0, "mezzanine interest first");
            }
            if (sr.principalPaid < sr.principalDue) assertEq(mz.principalPaid, 0, "senior principal first");
            if (sr.principalPaid < sr.principalDue || mz.principalPaid < mz.principalDue) {
                assertEq(r.equityResidual, 0, "debt principal before equity");
            }
        }
    }

    function _checkLossesHitJuniorsFirst() internal view {
        for (uint256 id; id < 3; ++id) {
            if (vault.tranche(id).writtenDown == 0) continue;
            for (uint256 j = id + 1; j < 3; ++j) assertEq(vault.tranche(j).principal, 0, "junior wiped out first");
        }
    }

    function _checkNotesOnlyWithAllowListedAccounts() internal view {
        for (uint256 id; id < 3; ++id) {
            ITrancheNote note = ITrancheNote(vault.tranche(id).note);
            for (uint256 i; i < 2; ++i) assertEq(note.balanceOf(handler.outsiders(i)), 0, "outsider holds notes");
            assertEq(note.balanceOf(handler.ATTACKER()), 0, "attacker holds notes");
            assertEq(note.balanceOf(handler.SPENDER()), 0, "spender took notes");
            uint256 held;
            for (uint256 i; i < 4; ++i) held += note.balanceOf(handler.holders(i));
            assertEq(held, note.totalSupply(), "every note is with a listed holder");
        }
    }
}

/// @notice Distribution cost does not depend on the number of holders.
contract TrancheVaultGasTest is Test, VaultSetup {
    TestStablecoin private coin;
    InvestorRegistry private registry;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
    }

    function test_distribute_costsTheSameForTenAndOneThousandHolders() public {
        uint256 few = _distributeGas(10, 0x10000);
        uint256 many = _distributeGas(1000, 0x20000);
        assertEq(many, few, "distribution gas with 1,000 vs 10 holders");
    }

    function _distributeGas(uint256 holderCount, uint256 base) private returns (uint256 gasUsed) {
        // The same 1,000,000 tUSD tranches either way, split equally among the holders.
        uint256 size = 1_000_000e6;
        uint256 each = size / holderCount;
        TrancheVault vault = _deployVault(address(coin), registry, address(this), _tranches(size, size, size), 12);
        address[] memory accounts = new address[](holderCount);
        for (uint256 i; i < holderCount; ++i) accounts[i] = address(uint160(base + i));
        registry.listInvestors(accounts, uint64(block.timestamp + 3650 days), 1);
        coin.mint(address(this), 3 * each * holderCount);
        for (uint256 i; i < holderCount; ++i) {
            vm.startPrank(accounts[i]);
            for (uint256 id; id < 3; ++id) {
                // Holders subscribe through this contract's coin: fund and approve per holder.
                vm.stopPrank();
                coin.transfer(accounts[i], each);
                vm.startPrank(accounts[i]);
                coin.approve(address(vault), each);
                vault.subscribe(id, each);
            }
            vm.stopPrank();
        }
        vault.closeFunding();
        vault.drawdown();
        coin.mint(address(this), 100_000e6);
        coin.approve(address(vault), 100_000e6);
        vault.receiveRevenue(IRevenueIntake.RevenueSource.Compute, 100_000e6);
        vm.warp(vault.periodEnd(1));
        uint256 before = gasleft();
        vault.distribute(1);
        gasUsed = before - gasleft();
        vm.warp(1_700_000_000);
    }
}

/// @notice Every clock-gated call of the vault at t - 1, t and t + 1 of its deadline: the funding deadline, the draw
/// deadline, a period's end, maturity and a recovery's contest window. Acting at the last or first second gives
/// nobody more than acting in good time.
contract TrancheVaultBoundaryTest is Test, VaultSetup {
    address private constant ALICE = address(0xA11CE);
    address private constant ALICE_COLD = address(0xC01D);
    TestStablecoin private coin;
    InvestorRegistry private registry;
    TrancheVault private vault;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
        vault = _deployVault(address(coin), registry, address(this), _tranches(600e6, 300e6, 100e6), 3);
        registry.listInvestor(ALICE, uint64(block.timestamp + 3650 days), 1);
        registry.listInvestor(ALICE_COLD, uint64(block.timestamp + 3650 days), 1);
        registry.linkIdentity(ALICE, "alice");
        registry.linkIdentity(ALICE_COLD, "alice");
        coin.mint(ALICE, 1_000e6);
        vm.prank(ALICE);
        coin.approve(address(vault), type(uint256).max);
    }

    function _fund(uint256 equity) private {
        vm.startPrank(ALICE);
        vault.subscribe(0, 600e6);
        vault.subscribe(1, 300e6);
        vault.subscribe(2, equity);
        vm.stopPrank();
    }

    function test_fundingDeadline_subscribeUntilTMinusOne_failFromT() public {
        uint256 deadline = vault.params().fundingDeadline;
        _fund(50e6);
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultFundingStillOpen.selector, deadline));
        vault.closeFunding();
        vm.prank(ALICE);
        vault.subscribe(2, 10e6);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultFundingDeadlinePassed.selector, deadline));
        vm.prank(ALICE);
        vault.subscribe(2, 10e6);
        vault.closeFunding();
        assertTrue(vault.state() == ITrancheVault.VaultState.Failed, "failed at t");
        vm.warp(deadline + 1);
        vm.prank(ALICE);
        assertEq(vault.refund(2, ALICE), 60e6, "refund at face value");
    }

    function test_drawDeadline_drawUntilTMinusOne() public {
        _fund(100e6);
        vault.closeFunding();
        uint256 deadline = vault.drawDeadline();
        assertEq(deadline, vault.startTime() + PERIOD, "end of period 1");
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultDrawDeadlineNotReached.selector, deadline));
        vm.prank(ALICE);
        vault.unwind();
        vault.drawdown();
        assertEq(coin.balanceOf(address(0xB0B)), 1_000e6, "drawn at t - 1");
        vm.warp(deadline);
        vm.expectRevert(ITrancheVault.TrancheVaultAlreadyDrawn.selector);
        vault.unwind();
    }

    function test_drawDeadline_unwindFromT() public {
        _fund(100e6);
        vault.closeFunding();
        uint256 deadline = vault.drawDeadline();
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultDrawDeadlinePassed.selector, deadline));
        vault.drawdown();
        vm.expectRevert(ITrancheVault.TrancheVaultNotDrawn.selector);
        vault.distribute(1);
        vm.prank(ALICE);
        vault.unwind();
        vm.warp(deadline + 1);
        vm.startPrank(ALICE);
        uint256 back = vault.refund(0, ALICE) + vault.refund(1, ALICE) + vault.refund(2, ALICE);
        vm.stopPrank();
        assertEq(back, 1_000e6, "every unit back");
        assertEq(coin.balanceOf(address(vault)), 0, "nothing left");
    }

    function test_periodEndAndMaturity_distributeFromT_revenueUntilTheLastDistribution() public {
        _fund(100e6);
        vault.closeFunding();
        vault.drawdown();
        coin.mint(address(this), 1_000e6);
        coin.approve(address(vault), type(uint256).max);
        for (uint256 p = 1; p <= 3; ++p) {
            uint256 end = vault.periodEnd(p);
            vm.warp(end - 1);
            vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultPeriodNotEnded.selector, p, end));
            vault.distribute(p);
            vm.warp(end);
            // Revenue at the period's last second still belongs to it.
            vault.receiveRevenue(IRevenueIntake.RevenueSource.Energy, 100e6);
            assertEq(vault.openPeriodRevenue(), 100e6, "booked to the open period");
            vault.distribute(p);
            bool last = p == 3;
            assertTrue((vault.state() == ITrancheVault.VaultState.Matured) == last, "matures at the term only");
        }
        vm.warp(vault.periodEnd(3) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ITrancheVault.TrancheVaultUnexpectedState.selector, ITrancheVault.VaultState.Matured)
        );
        vault.receiveRevenue(IRevenueIntake.RevenueSource.Energy, 1);
    }

    function _announce() private returns (uint256 executableAt) {
        _fund(100e6);
        vault.announceRecovery(ALICE, ALICE_COLD);
        (, executableAt) = vault.pendingRecovery(ALICE);
        assertEq(executableAt, block.timestamp + vault.RECOVERY_DELAY(), "delay");
        vm.warp(executableAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ITrancheVault.TrancheVaultRecoveryPending.selector, ALICE, executableAt)
        );
        vault.recoverNotes(ALICE);
    }

    function test_recoveryWindow_contestAtT() public {
        uint256 executableAt = _announce();
        vm.warp(executableAt);
        // The holder can still contest at t, as long as nobody executed first.
        vm.prank(ALICE);
        vault.cancelRecovery(ALICE);
        vm.warp(executableAt + 1);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultRecoveryNotAnnounced.selector, ALICE));
        vault.recoverNotes(ALICE);
    }

    function test_recoveryWindow_executeFromT() public {
        uint256 executableAt = _announce();
        vm.warp(executableAt);
        vm.prank(address(0xBAD));
        vault.recoverNotes(ALICE);
        assertEq(IERC20(vault.tranche(0).note).balanceOf(ALICE_COLD), 600e6, "moved to the same investor");
    }
}
