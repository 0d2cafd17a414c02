import { expect } from "chai";
import { Wallet, id, type Signer, type TypedDataDomain } from "ethers";
import { network } from "hardhat";

import {
  PURCHASE_TYPEHASH,
  authorizationDomain,
  purchaseNonce,
  signCancelAuthorization,
  signPurchaseAuthorization,
  type SignedPurchase,
} from "../../sdk/authorization.js";
import {
  SmartAccount__factory,
  ComputeMarket__factory,
  FeeAuthorizationToken__factory,
  PlainToken__factory,
  type ComputeMarket,
  type PlainToken,
} from "../../typechain-types/index.js";
import { HOUR, ZONE, deployComputeSuite } from "../helpers/compute.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const PRICE = USD("2");

/** A 16-GPU cluster with 1,000 USD of bond and two back-to-back two-hour windows at 2 USD per GPU-hour. */
async function registerCluster(market: ComputeMarket, providerSigner: Signer, mintBond: (to: string) => Promise<void>) {
  const asProvider = market.connect(providerSigner);
  await asProvider.registerCluster({
    gpuClass: "H100-SXM",
    gpuCount: 16,
    gridZone: ZONE,
    minWhPerGpuHour: 500,
    maxWhPerGpuHour: 1000,
    operator: await providerSigner.getAddress(),
    payout: await providerSigner.getAddress(),
    payoutIsIntake: false,
  });
  const clusterId = await market.clusterCount();
  await mintBond(await providerSigner.getAddress());
  await asProvider.postBond(clusterId, USD("1000"));
  const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
  await asProvider.offerWindow(clusterId, start, 2n, PRICE);
  await asProvider.offerWindow(clusterId, start + 2n * HOUR, 2n, PRICE);
  return {
    clusterId,
    start,
    creditId: await market.creditId(clusterId, start),
    nextCreditId: await market.creditId(clusterId, start + 2n * HOUR),
  };
}

/**
 * The compute suite with one cluster; an agent wallet with 100 USD and not one wei of ETH; a relayer (any account
 * with gas); a front-runner; and a smart wallet owned by the agent's key holding 100 USD.
 */
async function purchaseFixture() {
  const suite = await deployComputeSuite(provider, ethers);
  const { stablecoin, market } = suite;
  const [, providerSigner, relayer, mallory, other] = await ethers.getSigners();
  const marketAddress = await market.getAddress();
  const cluster = await registerCluster(market, providerSigner, async (to) => {
    await stablecoin.mint(to, USD("1000"));
    await stablecoin.connect(providerSigner).approve(marketAddress, USD("1000"));
  });
  const agent = new Wallet(id("joulestack agent with only stablecoin"), ethers.provider);
  await stablecoin.mint(agent.address, USD("100"));
  const smartWallet = await new SmartAccount__factory(suite.deployer).deploy(agent.address);
  await stablecoin.mint(await smartWallet.getAddress(), USD("100"));
  const validBefore = cluster.start;
  return {
    ...suite,
    ...cluster,
    providerSigner,
    relayer,
    mallory,
    other,
    agent,
    smartWallet,
    marketAddress,
    validBefore,
  };
}
type Fixture = Awaited<ReturnType<typeof purchaseFixture>>;
const load = () => networkHelpers.loadFixture(purchaseFixture);

/** The agent's signed purchase of 10 GPU-hours of the first window (20 USD), valid until the window starts. */
const sign = (f: Fixture, overrides: Partial<Parameters<typeof signPurchaseAuthorization>[1]> = {}) =>
  signPurchaseAuthorization(f.agent, {
    market: f.marketAddress,
    creditId: f.creditId,
    gpuHours: 10n,
    validBefore: f.validBefore,
    salt: id("purchase 1"),
    ...overrides,
  });
const relay = (f: Fixture, p: SignedPurchase, caller: Signer = f.relayer) =>
  f.market.connect(caller).buyWithAuthorization(...p.args);

/** What a refused purchase must leave untouched. */
async function snapshot(f: Fixture) {
  const window = await f.market.getWindow(f.creditId);
  return [
    window.sold,
    (await f.market.getWindow(f.nextCreditId)).sold,
    (await f.market.getCluster(f.clusterId)).bondFree,
    await f.stablecoin.balanceOf(f.agent.address),
    await f.stablecoin.balanceOf(f.marketAddress),
    await f.market.balanceOf(f.agent.address, f.creditId),
    await f.market.balanceOf(f.mallory.address, f.creditId),
  ];
}

describe("ComputeMarket.buyWithAuthorization", function () {
  describe("journey", function () {
    it("lets an agent holding only the stablecoin buy credits through a relayer who pays the gas", async function () {
      const f = await load();
      expect(await ethers.provider.getBalance(f.agent.address)).to.equal(0n);
      const p = await sign(f);
      expect(p.authorization.to).to.equal(f.marketAddress);
      expect(p.authorization.value).to.equal(10n * PRICE);
      expect(p.authorization.nonce).to.equal(
        await f.market.purchaseNonce(f.creditId, 10n, f.agent.address, 10n * PRICE, id("purchase 1")),
      );

      const tx = relay(f, p);
      await expect(tx)
        .to.emit(f.market, "CreditsSold")
        .withArgs(f.creditId, f.agent.address, f.agent.address, 10n, 10n * PRICE);
      await expect(tx).to.emit(f.stablecoin, "AuthorizationUsed").withArgs(f.agent.address, p.authorization.nonce);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stablecoin,
        [f.agent.address, f.marketAddress, f.relayer.address],
        [-10n * PRICE, 10n * PRICE, 0n],
      );
      expect(await f.market.balanceOf(f.agent.address, f.creditId)).to.equal(10n);
      expect(await ethers.provider.getBalance(f.agent.address)).to.equal(0n);
      expect((await f.market.proceedsOf(f.providerSigner.address)).direct).to.equal(10n * PRICE);
      expect((await f.market.getCluster(f.clusterId)).bondFree).to.equal(USD("1000") - 10n * PRICE);

      // A second purchase of the same terms needs a fresh salt, and works alike.
      await relay(f, await sign(f, { salt: id("purchase 2"), receiver: f.other.address }));
      expect(await f.market.balanceOf(f.other.address, f.creditId)).to.equal(10n);
      expect(await f.stablecoin.balanceOf(f.agent.address)).to.equal(USD("100") - 20n * PRICE);
    });

    it("lets a smart-account buyer (ERC-1271) buy with its owner key's signature", async function () {
      const f = await load();
      const walletAddress = await f.smartWallet.getAddress();
      const p = await sign(f, { buyer: walletAddress, receiver: f.agent.address });
      await expect(relay(f, p))
        .to.emit(f.market, "CreditsSold")
        .withArgs(f.creditId, walletAddress, f.agent.address, 10n, 10n * PRICE);
      expect(await f.stablecoin.balanceOf(walletAddress)).to.equal(USD("100") - 10n * PRICE);
      expect(await f.market.balanceOf(f.agent.address, f.creditId)).to.equal(10n);

      // Once the wallet has another owner, the old key's signature no longer buys.
      const q = await sign(f, { buyer: walletAddress, receiver: f.agent.address, salt: id("purchase 2") });
      // The agent has no gas; its key hands the wallet over through an impersonated, funded sender.
      await networkHelpers.impersonateAccount(f.agent.address);
      await networkHelpers.setBalance(f.agent.address, 10n ** 18n);
      await f.smartWallet.connect(await ethers.getSigner(f.agent.address)).setOwner(f.other.address);
      await expect(relay(f, q))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
        .withArgs(walletAddress);
    });

    it("derives the nonce in the SDK exactly as the market does", async function () {
      const f = await load();
      expect(await f.market.PURCHASE_TYPEHASH()).to.equal(PURCHASE_TYPEHASH);
      const terms = {
        market: f.marketAddress,
        creditId: f.nextCreditId,
        gpuHours: 7n,
        receiver: f.other.address,
        value: 14n * PRICE,
        salt: id("salt"),
      };
      expect(purchaseNonce(terms)).to.equal(
        await f.market.purchaseNonce(terms.creditId, terms.gpuHours, terms.receiver, terms.value, terms.salt),
      );
    });
  });

  describe("signature suite", function () {
    it("refuses a replay: the nonce is used, nothing moves", async function () {
      const f = await load();
      const p = await sign(f);
      await relay(f, p);
      const before = await snapshot(f);
      for (const caller of [f.relayer, f.mallory]) {
        await expect(relay(f, p, caller))
          .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationUsed")
          .withArgs(f.agent.address, p.authorization.nonce);
      }
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("is valid strictly between validAfter and validBefore, to the second (t-1, t, t+1)", async function () {
      const f = await load();
      const t = BigInt(await networkHelpers.time.latest()) + 100n;
      const notBefore = await sign(f, { validAfter: t, validBefore: f.validBefore });
      const before = await snapshot(f);
      for (const at of [t - 1n, t]) {
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(relay(f, notBefore))
          .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationNotYetValid")
          .withArgs(t, at);
      }
      expect(await snapshot(f)).to.deep.equal(before);
      await networkHelpers.time.setNextBlockTimestamp(t + 1n);
      await relay(f, notBefore);
      expect(await f.market.balanceOf(f.agent.address, f.creditId)).to.equal(10n);

      const u = t + 100n;
      const lastSecond = await sign(f, { validBefore: u, salt: id("last second") });
      const expired = await sign(f, { validBefore: u, salt: id("expired") });
      await networkHelpers.time.setNextBlockTimestamp(u - 1n);
      await relay(f, lastSecond);
      for (const at of [u, u + 1n]) {
        const state = await snapshot(f);
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(relay(f, expired))
          .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationExpired")
          .withArgs(u, at);
        expect(await snapshot(f)).to.deep.equal(state);
      }
      expect(await f.market.balanceOf(f.agent.address, f.creditId)).to.equal(20n);
    });

    it("refuses an authorization signed for another chain or another token contract", async function () {
      const f = await load();
      const domain = await authorizationDomain(await f.stablecoin.getAddress(), ethers.provider);
      const forged: TypedDataDomain[] = [
        { ...domain, chainId: BigInt(domain.chainId!) + 1n },
        { ...domain, verifyingContract: f.marketAddress },
        { ...domain, name: "USD Coin", version: "2" },
      ];
      const before = await snapshot(f);
      for (const d of forged) {
        await expect(relay(f, await sign(f, { domain: d })))
          .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
          .withArgs(f.agent.address);
      }
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses an authorization whose nonce the buyer cancelled", async function () {
      const f = await load();
      const p = await sign(f);
      const cancel = await signCancelAuthorization(f.agent, await f.stablecoin.getAddress(), p.authorization.nonce);
      await f.stablecoin
        .connect(f.relayer)
        ["cancelAuthorization(address,bytes32,bytes)"](f.agent.address, cancel.nonce, cancel.signature);
      const before = await snapshot(f);
      await expect(relay(f, p))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationUsed")
        .withArgs(f.agent.address, p.authorization.nonce);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses an underfunded buyer, and nothing is booked", async function () {
      const f = await load();
      await f.stablecoin.mint(f.other.address, 10n * PRICE - 1n);
      const p = await signPurchaseAuthorization(f.other, {
        market: f.marketAddress,
        creditId: f.creditId,
        gpuHours: 10n,
        validBefore: f.validBefore,
      });
      const before = await snapshot(f);
      await expect(relay(f, p))
        .to.be.revertedWithCustomError(f.stablecoin, "ERC20InsufficientBalance")
        .withArgs(f.other.address, 10n * PRICE - 1n, 10n * PRICE);
      expect(await snapshot(f)).to.deep.equal(before);
      expect(await f.stablecoin.authorizationState(f.other.address, p.authorization.nonce)).to.equal(false);
    });

    it("cannot be front-run on the token: only the market may execute it, and not as a transfer", async function () {
      const f = await load();
      const p = await sign(f);
      const a = p.authorization;
      const before = await snapshot(f);
      await expect(
        f.stablecoin
          .connect(f.mallory)
          ["receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
            a.from,
            a.to,
            a.value,
            a.validAfter,
            a.validBefore,
            a.nonce,
            p.signature,
          ),
      )
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationCallerNotPayee")
        .withArgs(f.mallory.address, f.marketAddress);
      await expect(
        f.stablecoin
          .connect(f.mallory)
          ["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
            a.from,
            a.to,
            a.value,
            a.validAfter,
            a.validBefore,
            a.nonce,
            p.signature,
          ),
      )
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
        .withArgs(f.agent.address);
      expect(await snapshot(f)).to.deep.equal(before);
      // The genuine purchase still goes through afterwards.
      await relay(f, p);
      expect(await f.market.balanceOf(f.agent.address, f.creditId)).to.equal(10n);
    });

    it("refuses a relayer that changes any purchase term (window, GPU-hours, price, receiver, salt, buyer)", async function () {
      const f = await load();
      const p = await sign(f);
      const [creditId, gpuHours, receiver, salt, buyer, value, validAfter, validBefore, signature] = p.args;
      const tampered: [string, typeof p.args][] = [
        ["window", [f.nextCreditId, gpuHours, receiver, salt, buyer, value, validAfter, validBefore, signature]],
        ["GPU-hours and value", [creditId, 9n, receiver, salt, buyer, 9n * PRICE, validAfter, validBefore, signature]],
        ["receiver", [creditId, gpuHours, f.mallory.address, salt, buyer, value, validAfter, validBefore, signature]],
        ["salt", [creditId, gpuHours, receiver, id("other"), buyer, value, validAfter, validBefore, signature]],
        ["validBefore", [creditId, gpuHours, receiver, salt, buyer, value, validAfter, validBefore - 1n, signature]],
      ];
      const before = await snapshot(f);
      for (const [term, args] of tampered) {
        await expect(f.market.connect(f.mallory).buyWithAuthorization(...args), term)
          .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
          .withArgs(f.agent.address);
      }
      // Another buyer: the signature is not theirs.
      await expect(
        f.market
          .connect(f.mallory)
          .buyWithAuthorization(
            creditId,
            gpuHours,
            receiver,
            salt,
            f.other.address,
            value,
            validAfter,
            validBefore,
            signature,
          ),
      )
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
        .withArgs(f.other.address);
      // The GPU-hours or the price alone: the value no longer is the cost.
      await expect(
        f.market
          .connect(f.mallory)
          .buyWithAuthorization(creditId, 11n, receiver, salt, buyer, value, validAfter, validBefore, signature),
      )
        .to.be.revertedWithCustomError(f.market, "ComputeAuthorizationValueMismatch")
        .withArgs(f.creditId, 11n * PRICE, value);
      await expect(
        f.market
          .connect(f.mallory)
          .buyWithAuthorization(
            creditId,
            gpuHours,
            receiver,
            salt,
            buyer,
            value + 1n,
            validAfter,
            validBefore,
            signature,
          ),
      )
        .to.be.revertedWithCustomError(f.market, "ComputeAuthorizationValueMismatch")
        .withArgs(f.creditId, value, value + 1n);
      expect(await snapshot(f)).to.deep.equal(before);
      await relay(f, p, f.mallory); // unchanged, anyone may relay it: the agent gets exactly what they signed for
      expect(await f.market.balanceOf(f.agent.address, f.creditId)).to.equal(10n);
    });

    it("refuses a window that does not exist or has started, with the market's errors", async function () {
      const f = await load();
      const unknown = f.creditId + 7n;
      await expect(relay(f, await sign(f, { creditId: unknown, pricePerGpuHour: PRICE })))
        .to.be.revertedWithCustomError(f.market, "ComputeUnknownWindow")
        .withArgs(unknown);
      const p = await sign(f, { validBefore: f.start + HOUR });
      await networkHelpers.time.setNextBlockTimestamp(f.start);
      await expect(relay(f, p))
        .to.be.revertedWithCustomError(f.market, "ComputeWindowStarted")
        .withArgs(f.creditId, f.start, f.start);
    });
  });

  describe("stablecoins", function () {
    /** A market over `token` with the suite's kWh and REC tokens and one cluster of the provider. */
    async function marketOver(f: Fixture, token: PlainToken) {
      const market = await new ComputeMarket__factory(f.deployer).deploy(
        await token.getAddress(),
        await f.energy.getAddress(),
        await f.certificates.getAddress(),
      );
      const cluster = await registerCluster(market, f.providerSigner, async (to) => {
        await token.mint(to, USD("1000"));
        await token.connect(f.providerSigner).approve(await market.getAddress(), USD("1000"));
      });
      return { market, ...cluster };
    }

    it("fails with a named error on a stablecoin without EIP-3009, and nothing moves", async function () {
      const f = await load();
      const plain = await new PlainToken__factory(f.deployer).deploy();
      const { market, creditId } = await marketOver(f, plain);
      await plain.mint(f.agent.address, USD("100"));
      const p = await signPurchaseAuthorization(f.agent, {
        market: await market.getAddress(),
        creditId,
        gpuHours: 10n,
        validBefore: f.validBefore,
        stablecoin: await plain.getAddress(),
        domain: { name: "Plain", version: "1", chainId: 31337n, verifyingContract: await plain.getAddress() },
      });
      await expect(market.connect(f.relayer).buyWithAuthorization(...p.args))
        .to.be.revertedWithCustomError(market, "ComputeAuthorizationUnsupported")
        .withArgs(await plain.getAddress());
      expect((await market.getWindow(creditId)).sold).to.equal(0n);
      expect(await plain.balanceOf(f.agent.address)).to.equal(USD("100"));
    });

    it("rejects an EIP-3009 stablecoin that charges a fee: the full price must arrive", async function () {
      const f = await load();
      const fee = await new FeeAuthorizationToken__factory(f.deployer).deploy(f.deployer.address);
      const market = await new ComputeMarket__factory(f.deployer).deploy(
        await fee.getAddress(),
        await f.energy.getAddress(),
        await f.certificates.getAddress(),
      );
      const marketAddress = await market.getAddress();
      const asProvider = market.connect(f.providerSigner);
      await asProvider.registerCluster({
        gpuClass: "H100-SXM",
        gpuCount: 1,
        gridZone: ZONE,
        minWhPerGpuHour: 500,
        maxWhPerGpuHour: 1000,
        operator: f.providerSigner.address,
        payout: f.providerSigner.address,
        payoutIsIntake: false,
      });
      // The 1% fee rounds down to nothing below 100 base units, so the bond arrives whole in two posts of 99.
      await fee.mint(f.providerSigner.address, 198n);
      await fee.connect(f.providerSigner).approve(marketAddress, 198n);
      await asProvider.postBond(1n, 99n);
      await asProvider.postBond(1n, 99n);
      const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
      await asProvider.offerWindow(1n, start, 1n, 150n);
      const creditId = await market.creditId(1n, start);
      await fee.mint(f.agent.address, USD("100"));
      const p = await signPurchaseAuthorization(f.agent, {
        market: marketAddress,
        creditId,
        gpuHours: 1n,
        validBefore: start,
      });
      await expect(market.connect(f.relayer).buyWithAuthorization(...p.args))
        .to.be.revertedWithCustomError(market, "ComputeTransferShortfall")
        .withArgs(150n, 149n);
      expect((await market.getWindow(creditId)).sold).to.equal(0n);
      expect(await fee.balanceOf(f.agent.address)).to.equal(USD("100"));
    });
  });
});
