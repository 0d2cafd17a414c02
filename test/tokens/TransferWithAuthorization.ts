import { expect } from "chai";
import { Signature, concat, id, keccak256, toBeHex, toUtf8Bytes, type Signer } from "ethers";
import { network } from "hardhat";

import {
  RECEIVE_WITH_AUTHORIZATION_TYPES,
  authorizationDomain,
  signCancelAuthorization,
  signReceiveAuthorization,
  signTransferAuthorization,
  type AuthorizationRequest,
} from "../../sdk/authorization.js";
import { SmartAccount__factory, type TestStablecoin } from "../../typechain-types/index.js";
import { deploySuite } from "../helpers/fixtures.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Alice holds 100 USD; Bob is a payee, Relayer submits; Alice also owns a smart wallet holding 100 USD. */
async function authorizationFixture() {
  const { stablecoin } = await deploySuite(provider, ethers, ["stablecoin"]);
  const [, alice, bob, relayer, mallory] = await ethers.getSigners();
  const wallet = await new SmartAccount__factory(alice).deploy(alice.address);
  await stablecoin.mint(alice.address, USD("100"));
  await stablecoin.mint(await wallet.getAddress(), USD("100"));
  const now = BigInt(await networkHelpers.time.latest());
  return { stablecoin, alice, bob, relayer, mallory, wallet, now, token: await stablecoin.getAddress() };
}
type Fixture = Awaited<ReturnType<typeof authorizationFixture>>;
const load = () => networkHelpers.loadFixture(authorizationFixture);

function request(f: Fixture, overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return {
    token: f.token,
    to: f.bob.address,
    value: USD("40"),
    validAfter: 0n,
    validBefore: f.now + 3600n,
    nonce: id("nonce 1"),
    ...overrides,
  };
}

/** Submits a signed transfer-authorization with the bytes signature. */
const transfer = (token: TestStablecoin, caller: Signer, a: Awaited<ReturnType<typeof signTransferAuthorization>>) =>
  token
    .connect(caller)
    ["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
      a.authorization.from,
      a.authorization.to,
      a.authorization.value,
      a.authorization.validAfter,
      a.authorization.validBefore,
      a.authorization.nonce,
      a.signature,
    );
const receive = (token: TestStablecoin, caller: Signer, a: Awaited<ReturnType<typeof signReceiveAuthorization>>) =>
  token
    .connect(caller)
    ["receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
      a.authorization.from,
      a.authorization.to,
      a.authorization.value,
      a.authorization.validAfter,
      a.authorization.validBefore,
      a.authorization.nonce,
      a.signature,
    );

describe("TestStablecoin EIP-3009", function () {
  it("uses the exact EIP-3009 typehashes and declares its domain (EIP-5267)", async function () {
    const { stablecoin, token } = await load();
    expect(await stablecoin.TRANSFER_WITH_AUTHORIZATION_TYPEHASH()).to.equal(
      "0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267",
    );
    expect(await stablecoin.RECEIVE_WITH_AUTHORIZATION_TYPEHASH()).to.equal(
      "0xd099cc98ef71107a616c4f0f941f04c322d8e254fe26b3c6668db87aae413de8",
    );
    expect(await stablecoin.CANCEL_AUTHORIZATION_TYPEHASH()).to.equal(
      keccak256(toUtf8Bytes("CancelAuthorization(address authorizer,bytes32 nonce)")),
    );
    const { chainId } = await ethers.provider.getNetwork();
    expect(await authorizationDomain(token, ethers.provider)).to.deep.equal({
      name: "Joulestack Test Dollar",
      version: "1",
      chainId,
      verifyingContract: token,
    });
  });

  describe("transferWithAuthorization", function () {
    it("moves the value when anyone relays the holder's signature, once, with both signature forms", async function () {
      const f = await load();
      const a = await signTransferAuthorization(f.alice, request(f));
      const tx = transfer(f.stablecoin, f.relayer, a);
      await expect(tx).to.emit(f.stablecoin, "AuthorizationUsed").withArgs(f.alice.address, a.authorization.nonce);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.stablecoin,
        [f.alice, f.bob, f.relayer],
        [-USD("40"), USD("40"), 0n],
      );
      expect(await f.stablecoin.authorizationState(f.alice.address, a.authorization.nonce)).to.equal(true);
      await expect(transfer(f.stablecoin, f.relayer, a))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationUsed")
        .withArgs(f.alice.address, a.authorization.nonce);

      const b = await signTransferAuthorization(f.alice, request(f, { nonce: id("nonce 2") }));
      const { from, to, value, validAfter, validBefore, nonce } = b.authorization;
      await f.stablecoin
        .connect(f.relayer)
        ["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"](
          from,
          to,
          value,
          validAfter,
          validBefore,
          nonce,
          b.v,
          b.r,
          b.s,
        );
      expect(await f.stablecoin.balanceOf(f.bob.address)).to.equal(USD("80"));
    });

    it("is valid strictly after validAfter and strictly before validBefore, to the second", async function () {
      const f = await load();
      const t = f.now + 100n;
      const early = await signTransferAuthorization(f.alice, request(f, { validAfter: t, validBefore: t + 10n }));
      await networkHelpers.time.setNextBlockTimestamp(t);
      await expect(transfer(f.stablecoin, f.relayer, early))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationNotYetValid")
        .withArgs(t, t);
      await networkHelpers.time.setNextBlockTimestamp(t + 1n);
      await transfer(f.stablecoin, f.relayer, early);

      const late = await signTransferAuthorization(
        f.alice,
        request(f, { nonce: id("late"), validAfter: 0n, validBefore: t + 3n }),
      );
      await networkHelpers.time.setNextBlockTimestamp(t + 3n);
      await expect(transfer(f.stablecoin, f.relayer, late))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationExpired")
        .withArgs(t + 3n, t + 3n);
      const lastSecond = await signTransferAuthorization(
        f.alice,
        request(f, { nonce: id("last second"), validAfter: 0n, validBefore: t + 5n }),
      );
      await networkHelpers.time.setNextBlockTimestamp(t + 4n);
      await transfer(f.stablecoin, f.relayer, lastSecond);
      expect(await f.stablecoin.balanceOf(f.bob.address)).to.equal(USD("80"));
    });

    it("rejects a signature for another chain, another contract, another signer or the high-s twin", async function () {
      const f = await load();
      const domain = await authorizationDomain(f.token, f.alice);
      const forged = [
        await signTransferAuthorization(f.alice, request(f, { domain: { ...domain, chainId: 31338n } })),
        await signTransferAuthorization(
          f.alice,
          request(f, { domain: { ...domain, verifyingContract: f.bob.address } }),
        ),
        await signTransferAuthorization(f.mallory, request(f, { from: f.alice.address })),
      ];
      const genuine = await signTransferAuthorization(f.alice, request(f));
      const { r, s, v } = Signature.from(genuine.signature);
      const twin = concat([r, toBeHex(SECP256K1_N - BigInt(s), 32), toBeHex(v === 27 ? 28 : 27, 1)]);
      for (const a of [...forged, { ...genuine, signature: twin }]) {
        await expect(transfer(f.stablecoin, f.relayer, a))
          .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
          .withArgs(f.alice.address);
      }
      // A receive-authorization's signature does not pass as a transfer-authorization.
      const asReceive = await signReceiveAuthorization(f.alice, request(f));
      await expect(transfer(f.stablecoin, f.relayer, asReceive))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
        .withArgs(f.alice.address);
      expect(await f.stablecoin.balanceOf(f.alice.address)).to.equal(USD("100"));
      expect(await f.stablecoin.authorizationState(f.alice.address, id("nonce 1"))).to.equal(false);
    });

    it("reverts without consuming the nonce when the holder is underfunded", async function () {
      const f = await load();
      const a = await signTransferAuthorization(f.alice, request(f, { value: USD("100.000001") }));
      await expect(transfer(f.stablecoin, f.relayer, a))
        .to.be.revertedWithCustomError(f.stablecoin, "ERC20InsufficientBalance")
        .withArgs(f.alice.address, USD("100"), USD("100.000001"));
      expect(await f.stablecoin.authorizationState(f.alice.address, a.authorization.nonce)).to.equal(false);
    });

    it("accepts an ERC-1271 smart wallet's signature, and refuses it once the wallet changed owner", async function () {
      const f = await load();
      const walletAddress = await f.wallet.getAddress();
      const a = await signTransferAuthorization(f.alice, request(f, { from: walletAddress }));
      await expect(transfer(f.stablecoin, f.relayer, a)).to.changeTokenBalances(
        ethers,
        f.stablecoin,
        [walletAddress, f.bob.address],
        [-USD("40"), USD("40")],
      );
      const b = await signTransferAuthorization(f.alice, request(f, { from: walletAddress, nonce: id("nonce 2") }));
      await f.wallet.setOwner(f.mallory.address);
      await expect(transfer(f.stablecoin, f.relayer, b))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
        .withArgs(walletAddress);
    });
  });

  describe("receiveWithAuthorization", function () {
    it("moves the value only when the payee submits it, with both signature forms", async function () {
      const f = await load();
      const a = await signReceiveAuthorization(f.alice, request(f));
      // A front-runner who sees the authorization cannot execute it: only the payee may.
      await expect(receive(f.stablecoin, f.mallory, a))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationCallerNotPayee")
        .withArgs(f.mallory.address, f.bob.address);
      const { from, to, value, validAfter, validBefore, nonce } = a.authorization;
      await expect(
        f.stablecoin
          .connect(f.mallory)
          ["receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"](
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce,
            a.v,
            a.r,
            a.s,
          ),
      )
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationCallerNotPayee")
        .withArgs(f.mallory.address, f.bob.address);
      // Nor can it be replayed as a transfer-authorization (another typehash).
      await expect(transfer(f.stablecoin, f.mallory, a))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
        .withArgs(f.alice.address);

      await expect(
        f.stablecoin
          .connect(f.bob)
          ["receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"](
            from,
            to,
            value,
            validAfter,
            validBefore,
            nonce,
            a.v,
            a.r,
            a.s,
          ),
      )
        .to.emit(f.stablecoin, "AuthorizationUsed")
        .withArgs(f.alice.address, nonce);
      const b = await signReceiveAuthorization(f.alice, request(f, { nonce: id("nonce 2") }));
      await receive(f.stablecoin, f.bob, b);
      expect(await f.stablecoin.balanceOf(f.bob.address)).to.equal(USD("80"));
      await expect(receive(f.stablecoin, f.bob, b))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationUsed")
        .withArgs(f.alice.address, id("nonce 2"));
    });

    it("signs the standard ReceiveWithAuthorization type", async function () {
      expect(RECEIVE_WITH_AUTHORIZATION_TYPES.ReceiveWithAuthorization.map((field) => field.name)).to.deep.equal([
        "from",
        "to",
        "value",
        "validAfter",
        "validBefore",
        "nonce",
      ]);
    });
  });

  describe("cancelAuthorization", function () {
    it("burns an unused nonce so its authorization can never run, with both signature forms", async function () {
      const f = await load();
      const a = await signTransferAuthorization(f.alice, request(f));
      const cancel = await signCancelAuthorization(f.alice, f.token, a.authorization.nonce);
      await expect(
        f.stablecoin
          .connect(f.relayer)
          ["cancelAuthorization(address,bytes32,bytes)"](f.alice.address, cancel.nonce, cancel.signature),
      )
        .to.emit(f.stablecoin, "AuthorizationCanceled")
        .withArgs(f.alice.address, a.authorization.nonce);
      expect(await f.stablecoin.authorizationState(f.alice.address, a.authorization.nonce)).to.equal(true);
      await expect(transfer(f.stablecoin, f.relayer, a))
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationUsed")
        .withArgs(f.alice.address, a.authorization.nonce);
      // A used or cancelled nonce cannot be cancelled again.
      await expect(
        f.stablecoin
          .connect(f.relayer)
          ["cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)"](
            f.alice.address,
            cancel.nonce,
            cancel.v,
            cancel.r,
            cancel.s,
          ),
      )
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationUsed")
        .withArgs(f.alice.address, a.authorization.nonce);

      const other = await signCancelAuthorization(f.alice, f.token, id("nonce 2"));
      await f.stablecoin
        .connect(f.relayer)
        ["cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)"](
          f.alice.address,
          other.nonce,
          other.v,
          other.r,
          other.s,
        );
      expect(await f.stablecoin.authorizationState(f.alice.address, id("nonce 2"))).to.equal(true);
    });

    it("rejects a cancellation signed by someone else", async function () {
      const f = await load();
      const cancel = await signCancelAuthorization(f.mallory, f.token, id("nonce 1"), { authorizer: f.alice.address });
      await expect(
        f.stablecoin["cancelAuthorization(address,bytes32,bytes)"](f.alice.address, cancel.nonce, cancel.signature),
      )
        .to.be.revertedWithCustomError(f.stablecoin, "StablecoinAuthorizationInvalidSignature")
        .withArgs(f.alice.address);
      expect(await f.stablecoin.authorizationState(f.alice.address, id("nonce 1"))).to.equal(false);
    });
  });
});
