import { signTransferAuthorization } from "../../sdk/authorization.js";
import { signPermit } from "../../sdk/permit.js";
import { TestStablecoin__factory } from "../../typechain-types/index.js";
import { BENCH_EPOCH, type Bench, gasOf } from "./types.js";

/**
 * The settlement token: transfers cost what a plain OpenZeppelin ERC-20 costs; permit and an EIP-3009 transfer with
 * authorization add one signature check (and the authorization a used-nonce word).
 */
export const stablecoinBench: Bench = async ({ ethers, networkHelpers, baselines }) => {
  const [deployer, alice, bob] = await ethers.getSigners();
  const stablecoin = await new TestStablecoin__factory(deployer).deploy(deployer.address);
  await stablecoin.mint(alice.address, 1_000_000_000n);
  await stablecoin.mint(bob.address, 1n);
  const transfer = await gasOf(stablecoin.connect(alice).transfer(bob.address, 1_000n));

  // A fixed deadline keeps the signature, and so the calldata, the same on every run.
  await networkHelpers.time.increaseTo(BENCH_EPOCH);
  const deadline = BENCH_EPOCH + 3600n;
  const { chainId } = await ethers.provider.getNetwork();
  const signature = await signPermit(alice, await stablecoin.getAddress(), bob.address, 5_000n, deadline);
  const permit = await gasOf(
    stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
      alice.address,
      bob.address,
      5_000n,
      deadline,
      signature.v,
      signature.r,
      signature.s,
    ),
  );
  const authorization = await signTransferAuthorization(alice, {
    token: await stablecoin.getAddress(),
    to: bob.address,
    value: 1_000n,
    validBefore: deadline,
    nonce: ethers.id("joulestack bench authorization"),
  });
  const { from, to, value, validAfter, validBefore, nonce } = authorization.authorization;
  const transferWithAuthorization = await gasOf(
    stablecoin["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
      from,
      to,
      value,
      validAfter,
      validBefore,
      nonce,
      authorization.signature,
    ),
  );
  const erc20Transfer = baselines.get("ERC-20 transfer")!;
  return [
    {
      group: "stablecoin",
      operation: "transfer",
      gas: transfer,
      baseline: { name: "ERC-20 transfer", gas: erc20Transfer },
    },
    { group: "stablecoin", operation: "permit", gas: permit },
    {
      group: "stablecoin",
      operation: "transferWithAuthorization (relayed)",
      gas: transferWithAuthorization,
      baseline: { name: "ERC-20 transfer", gas: erc20Transfer },
    },
  ];
};
