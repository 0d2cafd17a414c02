// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";

import {TrancheVault} from "../../contracts/finance/TrancheVault.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {VaultSetup} from "../utils/VaultSetup.sol";

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
