import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import { BaselineERC1155__factory, BaselineERC20__factory } from "../../typechain-types/index.js";
import { gasOf } from "./types.js";

/**
 * Plain OpenZeppelin token operations, measured in the same run as Joulestack's: every figure in the table is read
 * against one of these. Each is measured on warm storage (recipient already holds a balance) unless its name says
 * otherwise, so the comparison isolates the logic rather than first-write costs.
 */
export async function measureBaselines(ethers: HardhatEthers): Promise<Map<string, bigint>> {
  const [deployer, alice, bob] = await ethers.getSigners();
  const erc20 = await new BaselineERC20__factory(deployer).deploy();
  const erc1155 = await new BaselineERC1155__factory(deployer).deploy();
  const baselines = new Map<string, bigint>();

  await erc20.mint(alice.address, 1_000_000n);
  await erc20.mint(bob.address, 1n);
  baselines.set("ERC-20 transfer", await gasOf(erc20.connect(alice).transfer(bob.address, 1_000n)));
  baselines.set("ERC-20 transfer to new holder", await gasOf(erc20.connect(alice).transfer(deployer.address, 1_000n)));
  // A fixed address, so that calldata (and so the figure) is the same on every run.
  const newHolder = ethers.getAddress(ethers.dataSlice(ethers.id("baseline new holder"), 12));
  baselines.set("ERC-20 mint to new holder", await gasOf(erc20.mint(newHolder, 1_000n)));

  baselines.set("ERC-1155 mint (new id)", await gasOf(erc1155.mint(alice.address, 1n, 1_000n)));
  baselines.set("ERC-1155 mint (existing balance)", await gasOf(erc1155.mint(alice.address, 1n, 1_000n)));
  await erc1155.mint(bob.address, 1n, 1n);
  baselines.set(
    "ERC-1155 transfer",
    await gasOf(erc1155.connect(alice).safeTransferFrom(alice.address, bob.address, 1n, 10n, "0x")),
  );
  const ids = Array.from({ length: 10 }, (_, index) => BigInt(100 + index));
  baselines.set(
    "ERC-1155 mintBatch of 10 (new ids)",
    await gasOf(
      erc1155.mintBatch(
        alice.address,
        ids,
        ids.map(() => 1_000n),
      ),
    ),
  );
  return baselines;
}
