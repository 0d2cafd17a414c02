// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheNote} from "../../contracts/interfaces/ITrancheNote.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {NoteShareMath} from "../../contracts/libraries/NoteShareMath.sol";
import {BlocklistFeeToken} from "../../contracts/mocks/BlocklistFeeToken.sol";
import {Test} from "../utils/Test.sol";
import {VaultSetup} from "../utils/VaultSetup.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives a vault through its whole life - subscriptions, funding close or failure, drawdown or its absence
/// (an operator who never draws, a project wallet the stablecoin blocks), revenue, distributions, transfers (direct
/// and through a spender), claims, redemptions, refunds, freezes, write-downs and contested recoveries - while a
/// third party calls every permissionless function around each deadline (t - 1, t, t + 1) and frozen accounts try
/// every path a note can take. The stablecoin can block any payee (a holder, the project wallet) and start burning a
/// fee mid-life. Money ghosts are the balance changes measured on each party (payer's decrease in; recipient's
/// increase plus the fee burned out), checked against what the handler's inputs say they must be, never the vault's
/// return values or views; ghosts count successes of actions that must fail and failures of ways out that must be
/// open. `successes` counts what each action achieved, for the reachability checks.
// solhint-disable-next-line max-states-count
contract TrancheVaultHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address public constant SPENDER = address(0x3001);
    address public constant ATTACKER = address(0x3BAD);
    address public constant WALLET = address(0xB0B);
    address public constant FEE_RECIPIENT = address(0xFEE);

    TrancheVault public immutable vault;
    BlocklistFeeToken public immutable coin;
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
    string public lastForbidden;
    string public lastStuck;
    mapping(string action => uint256) public successes;

    constructor(TrancheVault vault_, BlocklistFeeToken coin_, InvestorRegistry registry_) {
        vault = vault_;
        coin = coin_;
        registry = registry_;
    }

    // --- funding ---

    function subscribe(uint256 actorSeed, uint256 trancheSeed, uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Funding) return;
        if (block.timestamp >= vault.params().fundingDeadline) return;
        address actor = holders[actorSeed % 4];
        if (registry.investor(actor).frozen || coin.blocked(actor)) return;
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
        VM.prank(actor);
        coin.approve(address(vault), amount);
        uint256 before = coin.balanceOf(actor);
        VM.prank(actor);
        try vault.subscribe(id, amount) {
            if (_fee(amount) != 0) _forbidden("subscription credited though less arrived");
            if (before - coin.balanceOf(actor) != amount) _forbidden("subscription took other than the amount");
            ghostPaidIn += before - coin.balanceOf(actor);
            ++ghostRoundings;
            ++successes["subscribe"];
        } catch {
            if (_fee(amount) == 0) _stuck("subscribe");
        }
        _closeFunding(address(this));
    }

    function closeFunding() external {
        _closeFunding(address(this));
    }

    /// @dev The operator draws, unless the stablecoin blocks the project wallet or the deadline passed.
    function drawdown() external {
        if (vault.state() != ITrancheVault.VaultState.Active || vault.totals().drawn != 0) return;
        bool allowed = block.timestamp < vault.drawDeadline() && !coin.blocked(WALLET);
        (uint256 gained, uint256 burned) = (coin.balanceOf(WALLET), coin.totalSupply());
        try vault.drawdown() {
            if (!allowed) _forbidden("drawn after the deadline or to a blocked wallet");
            (gained, burned) = (coin.balanceOf(WALLET) - gained, burned - coin.totalSupply());
            if (gained + burned != ghostPaidIn) _forbidden("drew other than everything paid in");
            ghostDrawn = gained + burned;
            ++successes["drawdown"];
        } catch {
            if (allowed) _stuck("drawdown");
        }
    }

    /// @dev The stablecoin blocks (or unblocks) the project wallet, so that the drawdown can never succeed.
    function blockWallet(bool blocked) external {
        coin.setBlocked(WALLET, blocked);
        ++successes["blockWallet"];
    }

    /// @dev The stablecoin blocks (or unblocks) a holder: its claims fail, everyone else's still succeed.
    function blockHolder(uint256 actorSeed) external {
        address actor = holders[actorSeed % 4];
        coin.setBlocked(actor, !coin.blocked(actor));
        ++successes["blockHolder"];
    }

    /// @dev The stablecoin starts (or stops) burning 1% of every transfer: from then on nothing may come in.
    function switchFee(bool on) external {
        coin.setFeeBps(on ? 100 : 0);
        ++successes["switchFee"];
    }

    // --- servicing ---

    function receiveRevenue(uint256 sourceSeed, uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        amount = _bound(amount, 1, 300e6);
        coin.mint(address(this), amount);
        coin.approve(address(vault), amount);
        uint256 before = coin.balanceOf(address(this));
        try vault.receiveRevenue(IRevenueIntake.RevenueSource(sourceSeed % 4), amount) {
            if (_fee(amount) != 0) _forbidden("revenue credited though less arrived");
            ghostRevenue += before - coin.balanceOf(address(this));
            ++successes["receiveRevenue"];
        } catch {
            if (_fee(amount) == 0) _stuck("receiveRevenue");
        }
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
        if (total < 2) return;
        try vault.writeDown(_bound(amount, 1, total / 4 + 1)) {
            ++successes["writeDown"];
        } catch {
            _stuck("writeDown");
        }
    }

    function payFees() external {
        (uint256 owed, ) = vault.fees();
        if (owed == 0) return;
        _payFees(address(this), owed);
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
            if (!allowed) _forbidden("a frozen account moved notes");
            // solhint-disable-next-line reentrancy
            ghostRoundings += 2;
            ++successes["transfer"];
        } catch {
            if (allowed) _stuck("transfer");
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
            if (!allowed) _forbidden("a frozen spender or party moved notes");
            ghostRoundings += 2;
            ++successes["transferFrom"];
        } catch {
            if (allowed) _stuck("transferFrom");
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
            _forbidden("notes sent to an outsider");
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
        bool allowed = !_frozen(actor) && !coin.blocked(actor);
        (uint256 gained, uint256 burned) = (coin.balanceOf(actor), coin.totalSupply());
        VM.prank(actor);
        try vault.claim(id, actor) {
            if (!allowed) _forbidden("a frozen or blocked holder claimed");
            (gained, burned) = (coin.balanceOf(actor) - gained, burned - coin.totalSupply());
            if (gained + burned == 0) _forbidden("a claim paid nothing");
            ghostClaimed += gained + burned;
            ghostTaken[id] += gained + burned;
            ++ghostRoundings;
            ++successes["claim"];
        } catch {
            if (allowed) _stuck("claim");
        }
    }

    function redeem(uint256 actorSeed, uint256 trancheSeed) external {
        if (vault.state() != ITrancheVault.VaultState.Matured) return;
        address actor = holders[actorSeed % 4];
        uint256 id = trancheSeed % 3;
        if (ITrancheNote(vault.tranche(id).note).balanceOf(actor) == 0 && vault.claimableOf(id, actor) == 0) return;
        // A blocked holder can still redeem notes that pay nothing (a tranche written off in full).
        bool frozen = _frozen(actor);
        (uint256 gained, uint256 burned) = (coin.balanceOf(actor), coin.totalSupply());
        VM.prank(actor);
        try vault.redeem(id, actor) {
            if (frozen) _forbidden("a frozen holder redeemed");
            if (ITrancheNote(vault.tranche(id).note).balanceOf(actor) != 0) _forbidden("notes left after redemption");
            (gained, burned) = (coin.balanceOf(actor) - gained, burned - coin.totalSupply());
            ghostClaimed += gained + burned;
            ghostTaken[id] += gained + burned;
            ++ghostRoundings;
            ++ghostRedemptions;
            ++successes["redeem"];
        } catch {
            if (!frozen && !coin.blocked(actor)) _stuck("redeem");
        }
    }

    function refund(uint256 actorSeed, uint256 trancheSeed) external {
        if (vault.state() != ITrancheVault.VaultState.Failed) return;
        address actor = holders[actorSeed % 4];
        uint256 id = trancheSeed % 3;
        uint256 notes = ITrancheNote(vault.tranche(id).note).balanceOf(actor);
        if (notes == 0 && vault.claimableOf(id, actor) == 0) return;
        bool allowed = !_frozen(actor) && !coin.blocked(actor);
        (uint256 gained, uint256 burned) = (coin.balanceOf(actor), coin.totalSupply());
        VM.prank(actor);
        try vault.refund(id, actor) {
            if (!allowed) _forbidden("a frozen or blocked holder took a refund");
            (gained, burned) = (coin.balanceOf(actor) - gained, burned - coin.totalSupply());
            // Nothing was drawn: every note is refunded at face value, plus whatever revenue it was allotted.
            if (gained + burned < notes) _forbidden("refunded below face value");
            ghostRefunded += notes;
            ghostClaimed += gained + burned - notes;
            ghostTaken[id] += gained + burned - notes;
            ++ghostRoundings;
            ++successes["refund"];
        } catch {
            if (allowed) _stuck("refund");
        }
    }

    function toggleFreeze(uint256 actorSeed) external {
        address actor = holders[actorSeed % 4];
        registry.setFrozen(actor, !registry.investor(actor).frozen);
        ++successes["toggleFreeze"];
    }

    // --- recovery: holders 0 and 1 are one investor, holders 2 and 3 another ---

    function announceRecovery(uint256 lostSeed) external {
        address lost = holders[lostSeed % 4];
        try vault.announceRecovery(lost, _partner(lost)) {
            ++successes["announceRecovery"];
        } catch {}
    }

    /// @dev The holder contests from the old wallet (always allowed while a recovery is pending).
    function contestRecovery(uint256 lostSeed) external {
        address lost = holders[lostSeed % 4];
        (address replacement, ) = vault.pendingRecovery(lost);
        if (replacement == address(0)) return;
        VM.prank(lost);
        try vault.cancelRecovery(lost) {
            ++successes["contestRecovery"];
        } catch {
            _stuck("contestRecovery");
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
        ++successes["warpToBoundary"];
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
                _forbidden("the third party moved notes without an allowance");
            } catch {}
        }
        try vault.cancelRecovery(holder) {
            _forbidden("a third party cancelled a recovery");
        } catch {}
        try vault.announceRecovery(holder, ATTACKER) {
            _forbidden("the third party called announceRecovery");
        } catch {}
        try vault.drawdown() {
            _forbidden("the third party called drawdown");
        } catch {}
        try vault.writeDown(1) {
            _forbidden("the third party called writeDown");
        } catch {}
        try vault.claim(id, ATTACKER) {
            _forbidden("the third party called claim");
        } catch {}
        try vault.redeem(id, ATTACKER) {
            _forbidden("the third party called redeem");
        } catch {}
        try vault.refund(id, ATTACKER) {
            _forbidden("the third party called refund");
        } catch {}
        try vault.setFeeRecipient(ATTACKER) {
            _forbidden("the third party called setFeeRecipient");
        } catch {}
        VM.stopPrank();
        (uint256 owed, ) = vault.fees();
        _payFees(ATTACKER, owed);
        ++successes["poke"];
    }

    /// @dev Anyone pays the fees out; they go to the fee recipient, never to the caller.
    function _payFees(address caller, uint256 owed) private {
        address recipient = FEE_RECIPIENT;
        (uint256 gained, uint256 burned) = (coin.balanceOf(recipient), coin.totalSupply());
        uint256 callerBefore = coin.balanceOf(caller);
        VM.prank(caller);
        try vault.payFees() {
            if (owed == 0) _forbidden("fees paid though none were owed");
            (gained, burned) = (coin.balanceOf(recipient) - gained, burned - coin.totalSupply());
            if (caller != recipient && coin.balanceOf(caller) != callerBefore) _forbidden("fees paid to the caller");
            ghostFeesPaid += gained + burned;
            ++successes["payFees"];
        } catch {
            if (owed != 0) _stuck("payFees");
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
            if (!allowed) _forbidden("funding closed early");
            if (!full) ++ghostFundingFailures;
            ++successes[full ? "closeFunding" : "failFunding"];
        } catch {
            if (allowed) _stuck("closeFunding");
        }
    }

    function _distribute(address caller) private {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        uint256 next = vault.lastDistributedPeriod() + 1;
        bool allowed = vault.totals().drawn != 0 && block.timestamp >= vault.periodEnd(next);
        uint256[3] memory before = _accumulators();
        VM.recordLogs();
        VM.prank(caller);
        try vault.distribute(next) {
            if (!allowed) _forbidden("distributed before the period ended or undrawn");
            ++ghostDistributions;
            ghostRoundings += 3;
            _bookAllotments(before);
            _bookReports(VM.getRecordedLogs());
            ++successes["distribute"];
        } catch {
            if (allowed) _stuck("distribute");
        }
    }

    function _unwind(address caller) private {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        bool allowed = vault.totals().drawn == 0 && block.timestamp >= vault.drawDeadline();
        uint256[3] memory before = _accumulators();
        VM.prank(caller);
        try vault.unwind() {
            if (!allowed) _forbidden("unwound before the draw deadline or after a drawdown");
            _bookAllotments(before);
            ++ghostUnwinds;
            ++ghostRoundings;
            ++successes["unwind"];
        } catch {
            if (allowed) _stuck("unwind");
        }
    }

    function _execute(address caller, address lost) private {
        (address replacement, uint256 executableAt) = vault.pendingRecovery(lost);
        bool allowed = replacement != address(0) && block.timestamp >= executableAt && registry.isVerified(replacement);
        VM.prank(caller);
        try vault.recoverNotes(lost) {
            if (!allowed) _forbidden("notes recovered early or to an unverified wallet");
            ++ghostRecoveries;
            ghostRoundings += 6;
            ++successes["recoverNotes"];
        } catch {
            if (allowed) _stuck("recoverNotes");
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

    function _bookReports(Vm.Log[] memory logs) private {
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

    function _fee(uint256 amount) private view returns (uint256) {
        return (amount * coin.feeBps()) / 10_000;
    }

    function _forbidden(string memory what) private {
        ++ghostForbidden;
        lastForbidden = what;
    }

    function _stuck(string memory what) private {
        ++ghostStuck;
        lastStuck = what;
    }

    function _bound(uint256 value, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (value % (max - min + 1));
    }
}

/// @notice The vault, its registry and the handler, with four listed holders (two investors, two wallets each).
abstract contract TrancheVaultWorld is Test, VaultSetup {
    BlocklistFeeToken internal coin;
    InvestorRegistry internal registry;
    TrancheVault internal vault;
    TrancheVaultHandler internal handler;

    function _deploy() internal {
        vm.warp(1_700_000_000);
        coin = new BlocklistFeeToken();
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
    }

    /// Every state has a way out: funding closes at its deadline, an undrawn raise unwinds at the draw deadline, a
    /// drawn vault distributes every period to maturity; then the stablecoin and the registry lift their blocks and
    /// freezes, every holder redeems or is refunded and the fees are paid. The vault keeps rounding dust at most,
    /// no notes remain and nobody is left with anything to claim.
    function _finish() internal returns (ITrancheVault.VaultState end) {
        if (vault.state() == ITrancheVault.VaultState.Funding) {
            if (block.timestamp < vault.params().fundingDeadline) vm.warp(vault.params().fundingDeadline);
            vault.closeFunding();
        }
        if (vault.state() == ITrancheVault.VaultState.Active && vault.totals().drawn == 0) {
            if (block.timestamp < vault.drawDeadline()) vm.warp(vault.drawDeadline());
            vault.unwind();
        }
        while (vault.state() == ITrancheVault.VaultState.Active) {
            uint256 next = vault.lastDistributedPeriod() + 1;
            if (block.timestamp < vault.periodEnd(next)) vm.warp(vault.periodEnd(next));
            vault.distribute(next);
        }
        end = vault.state();
        for (uint256 i; i < 4; ++i) {
            address holder = handler.holders(i);
            if (registry.investor(holder).frozen) registry.setFrozen(holder, false);
            coin.setBlocked(holder, false);
            for (uint256 id; id < 3; ++id) {
                bool hasNotes = IERC20(vault.tranche(id).note).balanceOf(holder) != 0;
                if (!hasNotes && vault.claimableOf(id, holder) == 0) continue;
                vm.startPrank(holder);
                if (end == ITrancheVault.VaultState.Matured) vault.redeem(id, holder);
                else vault.refund(id, holder);
                vm.stopPrank();
            }
        }
        (uint256 owed, ) = vault.fees();
        if (owed != 0) vault.payFees();
        for (uint256 id; id < 3; ++id) {
            assertEq(IERC20(vault.tranche(id).note).totalSupply(), 0, "notes left");
            for (uint256 i; i < 4; ++i) assertEq(vault.claimableOf(id, handler.holders(i)), 0, "claim left");
        }
        assertLe(coin.balanceOf(address(vault)), handler.ghostRoundings() + 12, "the vault kept more than dust");
    }
}

contract TrancheVaultInvariantTest is TrancheVaultWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    /// After every run, from wherever it stopped, the vault reaches maturity or failure and pays everyone out.
    function afterInvariant() public {
        _finish();
    }

    /// Money: the vault holds exactly what flowed in and not out, its own totals say the same, every unit of it has a
    /// way out, and payouts never promise more than was allotted.
    /// forge-config: default.invariant.runs = 96
    /// forge-config: default.invariant.depth = 64
    function invariant_money() public view {
        _checkHeldEqualsFlows();
        _checkTotalsMatchTheFlows();
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

    /// The vault's own books ({ITrancheVault-totals}) agree with the flows the handler measured, one by one.
    function _checkTotalsMatchTheFlows() internal view {
        ITrancheVault.Totals memory t = vault.totals();
        assertEq(t.paidIn, handler.ghostPaidIn(), "totals: paid in");
        assertEq(t.revenue, handler.ghostRevenue(), "totals: revenue");
        assertEq(t.drawn, handler.ghostDrawn(), "totals: drawn");
        assertEq(t.refunded, handler.ghostRefunded(), "totals: refunded");
        assertEq(t.claimed, handler.ghostClaimed(), "totals: claimed");
        assertEq(t.feesPaid, handler.ghostFeesPaid(), "totals: fees paid");
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

/// @notice Reachability. Scripted paths reach maturity (with redemptions and a recovery) and each failure; then the
/// handler, driven by fixed pseudo-random sequences over fresh vaults, must make every action succeed many times, end
/// in both maturity and failure, never let a forbidden call succeed nor a way out fail, and from wherever each
/// sequence stops pay everyone out.
contract TrancheVaultReachabilityTest is TrancheVaultWorld {
    uint256 private constant SEQUENCES = 12;
    uint256 private constant STEPS = 100;
    uint256 private constant MIN_SUCCESSES = 3;

    function setUp() public {
        _deploy();
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

    function test_handler_reachesEveryActionAndBothEnds() public {
        string[23] memory actions = [
            "subscribe",
            "closeFunding",
            "failFunding",
            "drawdown",
            "receiveRevenue",
            "distribute",
            "unwind",
            "writeDown",
            "payFees",
            "transfer",
            "transferFrom",
            "claim",
            "redeem",
            "refund",
            "toggleFreeze",
            "announceRecovery",
            "contestRecovery",
            "recoverNotes",
            "warpToBoundary",
            "poke",
            "switchFee",
            "blockHolder",
            "blockWallet"
        ];
        uint256[23] memory totals;
        uint256 matured;
        uint256 failed;
        for (uint256 k; k < SEQUENCES; ++k) {
            if (k != 0) _deploy();
            uint256 seed = uint256(keccak256(abi.encode("vault", k)));
            if (k % 4 != 0) handler.subscribe(k, 2, 0); // equity fills at once, unless funding is to fail
            if (k % 4 == 3) handler.blockWallet(true);
            for (uint256 step; step < STEPS; ++step) {
                seed = uint256(keccak256(abi.encode(seed)));
                _act(seed, k);
            }
            assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
            assertEq(handler.ghostStuck(), 0, handler.lastStuck());
            for (uint256 i; i < actions.length; ++i) totals[i] += handler.successes(actions[i]);
            if (_finish() == ITrancheVault.VaultState.Matured) ++matured;
            else ++failed;
        }
        for (uint256 i; i < actions.length; ++i) assertGe(totals[i], MIN_SUCCESSES, actions[i]);
        assertGe(matured, 3, "sequences that matured");
        assertGe(failed, 3, "sequences that failed");
    }

    /// @dev Sequence `k` plays one of three scenarios: 0, the funding deadline comes (at t - 1, t or t + 1) before the
    /// equity fills, so funding fails and holders are refunded; 1 and 2, the vault is serviced to maturity; 3, the
    /// stablecoin mostly blocks the project wallet, so the raise unwinds at the draw deadline.
    function _act(uint256 seed, uint256 k) private {
        uint256 scenario = k % 4;
        uint256 a = seed >> 8;
        uint256 b = seed >> 72;
        uint256 c = seed >> 136;
        uint256 d = seed >> 200;
        uint256 action = seed % 24;
        if (action <= 1) {
            if (scenario == 0) handler.warpToBoundary(0, a);
            else handler.subscribe(a, b, c);
        } else if (action == 2) handler.blockWallet(scenario == 3 ? a % 8 != 0 : a % 8 == 0);
        else if (action <= 4) handler.receiveRevenue(a, b);
        else if (action <= 6) handler.distribute(a % 16 == 0, b % 2 == 0);
        else if (action == 7) handler.writeDown(a);
        else if (action == 8) handler.payFees();
        else if (action == 9) handler.transfer(a, b, c, d);
        else if (action == 10) handler.transferFrom(a, b, c, d, d % 4 == 0);
        else if (action == 11) handler.transferToOutsider(a, b, c, d);
        else if (action <= 13) handler.claim(a, b);
        else if (action <= 15) handler.redeem(a, b);
        else if (action == 16) handler.refund(a, b);
        else if (action == 17) {
            if (a % 3 == 0) handler.toggleFreeze(b);
            else handler.payFees();
        } else if (action == 18) {
            if (a % 2 == 0) handler.announceRecovery(b);
            else handler.receiveRevenue(b, c);
        } else if (action == 19) {
            // The holder contests now and then; otherwise the clock reaches the contest window's edge and anyone
            // tries to execute that recovery.
            if (a % 4 == 0) handler.contestRecovery(b);
            else {
                handler.warpToBoundary(4, b);
                handler.poke(b, c);
            }
        } else if (action == 20) handler.warpToBoundary(a, b);
        else if (action == 21) {
            if (c % 2 == 0) handler.poke(a, b);
            else handler.claim(a, b);
        } else if (action == 22) {
            if (a % 2 == 0) handler.switchFee(b % 8 == 0);
            else handler.blockHolder(b);
        } else handler.drawdown();
    }
}
