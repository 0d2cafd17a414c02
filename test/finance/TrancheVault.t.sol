// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {ITrancheNote} from "../../contracts/interfaces/ITrancheNote.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

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
        TestStablecoin coin,
        InvestorRegistry registry,
        address admin,
        ITrancheVault.TrancheParams[] memory tranches,
        uint32 periodCount
    ) internal returns (TrancheVault) {
        return
            new TrancheVault(
                ITrancheVault.VaultParams({
                    asset: address(coin),
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

/// @notice Drives a vault through bounded subscriptions, revenue, distributions, transfers, claims, redemptions,
/// freezes and write-downs, keeping ghost totals of every stablecoin flow.
contract TrancheVaultHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    TrancheVault public immutable vault;
    TestStablecoin public immutable coin;
    InvestorRegistry public immutable registry;
    address[4] public holders = [address(0x1001), address(0x1002), address(0x1003), address(0x1004)];
    address[2] public outsiders = [address(0x2001), address(0x2002)];

    uint256 public ghostPaidIn;
    uint256 public ghostRevenue;
    uint256 public ghostDrawn;
    uint256 public ghostClaimed;
    uint256 public ghostFeesPaid;

    constructor(TrancheVault vault_, TestStablecoin coin_, InvestorRegistry registry_) {
        vault = vault_;
        coin = coin_;
        registry = registry_;
    }

    function subscribe(uint256 actorSeed, uint256 trancheSeed, uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Funding) return;
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
        try vault.closeFunding() {} catch {}
    }

    function closeFunding() external {
        if (vault.state() != ITrancheVault.VaultState.Funding) return;
        try vault.closeFunding() {} catch {}
    }

    function drawdown() external {
        if (vault.state() != ITrancheVault.VaultState.Active || vault.totals().drawn != 0) return;
        vault.drawdown();
        ghostDrawn = ghostPaidIn;
    }

    function receiveRevenue(uint256 sourceSeed, uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        amount = _bound(amount, 1, 300e6);
        coin.mint(address(this), amount);
        coin.approve(address(vault), amount);
        vault.receiveRevenue(IRevenueIntake.RevenueSource(sourceSeed % 4), amount);
        ghostRevenue += amount;
    }

    function distribute() external {
        if (vault.state() == ITrancheVault.VaultState.Funding) {
            try vault.closeFunding() {} catch {}
            return;
        }
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        uint256 next = vault.lastDistributedPeriod() + 1;
        uint256 end = vault.periodEnd(next);
        if (block.timestamp < end) VM.warp(end);
        vault.distribute(next);
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 trancheSeed, uint256 amount) external {
        address from = holders[fromSeed % 4];
        address to = holders[toSeed % 4];
        ITrancheNote note = ITrancheNote(vault.tranche(trancheSeed % 3).note);
        uint256 balance = note.balanceOf(from);
        if (balance == 0 || registry.investor(from).frozen || registry.investor(to).frozen) return;
        VM.prank(from);
        note.transfer(to, _bound(amount, 0, balance));
    }

    /// @dev Must always fail; if it ever succeeded the allow-list invariant would catch it.
    function transferToOutsider(uint256 fromSeed, uint256 toSeed, uint256 trancheSeed, uint256 amount) external {
        address from = holders[fromSeed % 4];
        ITrancheNote note = ITrancheNote(vault.tranche(trancheSeed % 3).note);
        uint256 balance = note.balanceOf(from);
        if (balance == 0) return;
        VM.prank(from);
        try note.transfer(outsiders[toSeed % 2], _bound(amount, 1, balance)) {} catch {}
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
        if (amount == 0 || registry.investor(actor).frozen) return;
        VM.prank(actor);
        vault.claim(id, actor);
        ghostClaimed += amount;
    }

    function redeem(uint256 actorSeed, uint256 trancheSeed) external {
        if (vault.state() != ITrancheVault.VaultState.Matured) return;
        address actor = holders[actorSeed % 4];
        if (registry.investor(actor).frozen) return;
        uint256 id = trancheSeed % 3;
        if (ITrancheNote(vault.tranche(id).note).balanceOf(actor) == 0 && vault.claimableOf(id, actor) == 0) return;
        VM.prank(actor);
        ghostClaimed += vault.redeem(id, actor);
    }

    function writeDown(uint256 amount) external {
        if (vault.state() != ITrancheVault.VaultState.Active) return;
        uint256 total;
        for (uint256 i; i < 3; ++i) total += vault.tranche(i).principal;
        if (total == 0) return;
        vault.writeDown(_bound(amount, 1, total / 4 + 1));
    }

    function toggleFreeze(uint256 actorSeed) external {
        address actor = holders[actorSeed % 4];
        registry.setFrozen(actor, !registry.investor(actor).frozen);
    }

    function payFees() external {
        (uint256 owed, ) = vault.fees();
        if (owed == 0) return;
        vault.payFees();
        ghostFeesPaid += owed;
    }

    function holderCount() external pure returns (uint256) {
        return 4;
    }

    function _bound(uint256 value, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (value % (max - min + 1));
    }
}

contract TrancheVaultInvariantTest is Test, VaultSetup {
    TestStablecoin private coin;
    InvestorRegistry private registry;
    TrancheVault private vault;
    TrancheVaultHandler private handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        coin = new TestStablecoin(address(this));
        registry = new InvestorRegistry(address(this));
        vault = _deployVault(coin, registry, address(this), _tranches(600e6, 300e6, 100e6), 6);
        handler = new TrancheVaultHandler(vault, coin, registry);
        coin.transferOwnership(address(handler));
        registry.grantRole(registry.AGENT_ROLE(), address(handler));
        vault.grantRole(vault.OPERATOR_ROLE(), address(handler));
        vault.grantRole(vault.LOSS_ASSESSOR_ROLE(), address(handler));
        for (uint256 i; i < 4; ++i) registry.listInvestor(handler.holders(i), uint64(block.timestamp + 3650 days), 1);
        // Senior and mezzanine start fully subscribed so that most runs reach servicing; equity is left to the fuzzer.
        handler.subscribe(0, 0, 0);
        handler.subscribe(1, 1, 0);
        handler.subscribe(2, 2, 41e6);
        targetContract(address(handler));
    }

    function test_handler_reachesEveryPath() public {
        handler.subscribe(2, 2, 0);
        handler.drawdown();
        handler.receiveRevenue(0, 50e6);
        handler.distribute();
        handler.transfer(0, 3, 0, 100e6);
        handler.claim(0, 0);
        handler.claim(3, 0);
        handler.writeDown(150e6);
        handler.payFees();
        assertGe(handler.ghostClaimed(), 1, "claimed");
        assertGe(vault.tranche(2).writtenDown, 1, "written down");
        for (uint256 i; i < 6; ++i) handler.distribute();
        assertTrue(vault.state() == ITrancheVault.VaultState.Matured, "matured");
        handler.redeem(0, 0);
        handler.redeem(2, 2);
        assertEq(ITrancheVault(address(vault)).tranche(0).raised, 600e6, "raised");
    }

    function invariant_stablecoinHeldEqualsFlows() public view {
        uint256 expected =
            handler.ghostPaidIn() +
                handler.ghostRevenue() -
                handler.ghostDrawn() -
                handler.ghostClaimed() -
                handler.ghostFeesPaid();
        assertEq(coin.balanceOf(address(vault)), expected, "held = paid in + revenue - drawn - claimed - fees");
    }

    function invariant_claimedPlusClaimableWithinDistributed() public view {
        for (uint256 id; id < 3; ++id) {
            ITrancheVault.Tranche memory t = vault.tranche(id);
            uint256 claimable;
            for (uint256 i; i < 4; ++i) claimable += vault.claimableOf(id, handler.holders(i));
            assertLe(t.claimed + claimable, t.distributed, "claimed + claimable <= distributed");
        }
    }

    function invariant_vaultHoldsEverythingItOwes() public view {
        uint256 owed = vault.reserve() + vault.pendingRevenue() + (handler.ghostPaidIn() - handler.ghostDrawn());
        (uint256 fees, ) = vault.fees();
        owed += fees;
        for (uint256 id; id < 3; ++id) {
            for (uint256 i; i < 4; ++i) owed += vault.claimableOf(id, handler.holders(i));
        }
        assertLe(owed, coin.balanceOf(address(vault)), "never owes more than it holds");
    }

    function invariant_noJuniorPaidWhileSeniorDueUnpaid() public view {
        uint256 last = vault.lastDistributedPeriod();
        for (uint256 p = 1; p <= last; ++p) {
            ITrancheVault.PeriodReport memory r = vault.periodReport(p);
            ITrancheVault.TrancheReport memory sr = vault.trancheReport(p, 0);
            ITrancheVault.TrancheReport memory mz = vault.trancheReport(p, 1);
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

    function invariant_lossesHitJuniorsFirst() public view {
        for (uint256 id; id < 3; ++id) {
            if (vault.tranche(id).writtenDown == 0) continue;
            for (uint256 j = id + 1; j < 3; ++j) assertEq(vault.tranche(j).principal, 0, "junior wiped out first");
        }
    }

    function invariant_notesOnlyWithAllowListedAccounts() public view {
        for (uint256 id; id < 3; ++id) {
            ITrancheNote note = ITrancheNote(vault.tranche(id).note);
            for (uint256 i; i < 2; ++i) assertEq(note.balanceOf(handler.outsiders(i)), 0, "outsider holds notes");
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
        TrancheVault vault = _deployVault(coin, registry, address(this), _tranches(size, size, size), 12);
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
