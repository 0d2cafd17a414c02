import { expect } from "chai";
import { network } from "hardhat";

import { DeviceKind, DeviceStatus, gridZone, gridZoneToString, isRenewable } from "../../sdk/energy.js";
import { deployEnergySuite, meterKey, registerDevice, registration } from "../helpers/energy.js";

const { ethers, networkHelpers, provider } = await network.create();

const REASON = ethers.encodeBytes32String("audit");

async function registryFixture() {
  const { registry, deployer } = await deployEnergySuite(provider, ethers);
  const [, owner, registrar, stranger, newOwner] = await ethers.getSigners();
  await registry.grantRole(await registry.REGISTRAR_ROLE(), registrar.address);
  const meter = meterKey("registry");
  const solar = registration({ signer: meter.address, owner: owner.address, gridZone: gridZone("JP-TOKYO") });
  const deviceId = await registerDevice(registry.connect(registrar), solar);
  return { registry, deployer, owner, registrar, stranger, newOwner, meter, solar, deviceId };
}

describe("DeviceRegistry", function () {
  describe("registerDevice", function () {
    it("registers an active device with sequential ids and emits every field", async function () {
      const { registry, registrar, owner, meter } = await networkHelpers.loadFixture(registryFixture);
      const wind = registration({
        signer: meter.address,
        owner: owner.address,
        kind: DeviceKind.Wind,
        capacityW: 3_000_000n,
        metadataURI: "ipfs://wind",
      });
      await expect(registry.connect(registrar).registerDevice(wind))
        .to.emit(registry, "DeviceRegistered")
        .withArgs(
          2n,
          owner.address,
          meter.address,
          DeviceKind.Wind,
          3_000_000n,
          wind.gridZone,
          wind.commissionedAt,
          "ipfs://wind",
        );
      expect(await registry.deviceCount()).to.equal(2n);
      const device = await registry.getDevice(2n);
      expect(device.signer).to.equal(meter.address);
      expect(device.owner).to.equal(owner.address);
      expect(device.kind).to.equal(DeviceKind.Wind);
      expect(device.status).to.equal(DeviceStatus.Active);
      expect(device.capacityW).to.equal(3_000_000n);
      expect(gridZoneToString(device.gridZone)).to.equal("ERCOT-NORTH");
      expect(device.commissionedAt).to.equal(wind.commissionedAt);
      // The active interval and the signer's term both begin at commissioning.
      expect(device.activeSince).to.equal(wind.commissionedAt);
      expect(device.signerSince).to.equal(wind.commissionedAt);
      expect((await registry.meteringProfile(2n)).activeSince).to.equal(wind.commissionedAt);
      expect(device.metadataURI).to.equal("ipfs://wind");
    });

    it("accepts a 32-character zone code", async function () {
      const { registry, registrar, solar } = await networkHelpers.loadFixture(registryFixture);
      const zone = gridZone("A".repeat(31) + "9");
      await registry.connect(registrar).registerDevice({ ...solar, gridZone: zone });
      expect(gridZoneToString((await registry.getDevice(2n)).gridZone)).to.equal("A".repeat(31) + "9");
    });

    describe("when the registration is invalid", function () {
      it("reverts when the caller is not a registrar", async function () {
        const { registry, stranger, solar } = await networkHelpers.loadFixture(registryFixture);
        await expect(registry.connect(stranger).registerDevice(solar))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, await registry.REGISTRAR_ROLE());
      });

      it("reverts when the signer is the zero address", async function () {
        const { registry, registrar, solar } = await networkHelpers.loadFixture(registryFixture);
        await expect(registry.connect(registrar).registerDevice({ ...solar, signer: ethers.ZeroAddress }))
          .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidSigner")
          .withArgs(ethers.ZeroAddress);
      });

      it("reverts when the owner is the zero address", async function () {
        const { registry, registrar, solar } = await networkHelpers.loadFixture(registryFixture);
        await expect(registry.connect(registrar).registerDevice({ ...solar, owner: ethers.ZeroAddress }))
          .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidOwner")
          .withArgs(ethers.ZeroAddress);
      });

      it("reverts when the capacity is zero", async function () {
        const { registry, registrar, solar } = await networkHelpers.loadFixture(registryFixture);
        await expect(
          registry.connect(registrar).registerDevice({ ...solar, capacityW: 0n }),
        ).to.be.revertedWithCustomError(registry, "DeviceRegistryZeroCapacity");
      });

      for (const [label, zone] of [
        ["empty", ethers.ZeroHash],
        ["lower-case", ethers.encodeBytes32String("ercot-north")],
        ["padded on the left", "0x00" + ethers.encodeBytes32String("ERCOT").slice(2, 64)],
        ["holding a character after the padding", ethers.encodeBytes32String("ERCOT").slice(0, 64) + "41"],
        ["holding a quote", ethers.encodeBytes32String('ERCOT"')],
      ]) {
        it(`reverts when the grid zone is ${label}`, async function () {
          const { registry, registrar, solar } = await networkHelpers.loadFixture(registryFixture);
          await expect(registry.connect(registrar).registerDevice({ ...solar, gridZone: zone }))
            .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidGridZone")
            .withArgs(zone);
        });
      }

      it("reverts when the device was commissioned in the future", async function () {
        const { registry, registrar, solar } = await networkHelpers.loadFixture(registryFixture);
        const later = BigInt(await networkHelpers.time.latest()) + 1000n;
        await networkHelpers.time.setNextBlockTimestamp(later - 500n);
        await expect(registry.connect(registrar).registerDevice({ ...solar, commissionedAt: later }))
          .to.be.revertedWithCustomError(registry, "DeviceRegistryCommissionedInFuture")
          .withArgs(later, later - 500n);
      });
    });
  });

  describe("device status", function () {
    it("suspends, reactivates and decommissions with an event each", async function () {
      const { registry, registrar, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(registrar).suspendDevice(deviceId, REASON))
        .to.emit(registry, "DeviceStatusChanged")
        .withArgs(deviceId, DeviceStatus.Active, DeviceStatus.Suspended, REASON);
      await expect(registry.connect(registrar).reactivateDevice(deviceId, REASON))
        .to.emit(registry, "DeviceStatusChanged")
        .withArgs(deviceId, DeviceStatus.Suspended, DeviceStatus.Active, REASON);
      // The active interval restarts at the reactivation; commissioning stays as it was.
      const reactivatedAt = BigInt(await networkHelpers.time.latest());
      const device = await registry.getDevice(deviceId);
      expect(device.activeSince).to.equal(reactivatedAt);
      expect((await registry.meteringProfile(deviceId)).activeSince).to.equal(reactivatedAt);
      expect(device.commissionedAt).to.be.lessThan(reactivatedAt);
      await expect(registry.connect(registrar).decommissionDevice(deviceId, REASON))
        .to.emit(registry, "DeviceStatusChanged")
        .withArgs(deviceId, DeviceStatus.Active, DeviceStatus.Decommissioned, REASON);
      expect((await registry.meteringProfile(deviceId)).status).to.equal(DeviceStatus.Decommissioned);
    });

    it("reverts when suspending a device that is not active", async function () {
      const { registry, registrar, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await registry.connect(registrar).suspendDevice(deviceId, REASON);
      await expect(registry.connect(registrar).suspendDevice(deviceId, REASON))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidStatusTransition")
        .withArgs(deviceId, DeviceStatus.Suspended, DeviceStatus.Suspended);
    });

    it("reverts when reactivating a device that is not suspended", async function () {
      const { registry, registrar, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(registrar).reactivateDevice(deviceId, REASON))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidStatusTransition")
        .withArgs(deviceId, DeviceStatus.Active, DeviceStatus.Active);
    });

    it("never brings a decommissioned device back", async function () {
      const { registry, registrar, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await registry.connect(registrar).decommissionDevice(deviceId, REASON);
      await expect(registry.connect(registrar).reactivateDevice(deviceId, REASON))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidStatusTransition")
        .withArgs(deviceId, DeviceStatus.Decommissioned, DeviceStatus.Active);
      await expect(registry.connect(registrar).decommissionDevice(deviceId, REASON))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidStatusTransition")
        .withArgs(deviceId, DeviceStatus.Decommissioned, DeviceStatus.Decommissioned);
    });

    it("reverts for an unknown device", async function () {
      const { registry, registrar } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(registrar).suspendDevice(9n, REASON))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryUnknownDevice")
        .withArgs(9n);
      await expect(registry.connect(registrar).decommissionDevice(9n, REASON))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryUnknownDevice")
        .withArgs(9n);
      await expect(registry.getDevice(9n)).to.be.revertedWithCustomError(registry, "DeviceRegistryUnknownDevice");
    });

    it("reads a device's source and signer start as its full record has them", async function () {
      const { registry, deviceId } = await networkHelpers.loadFixture(registryFixture);
      const device = await registry.getDevice(deviceId);
      const [kind, zone] = await registry.deviceSource(deviceId);
      expect([kind, zone]).to.deep.equal([device.kind, device.gridZone]);
      expect(await registry.signerSince(deviceId)).to.equal(device.signerSince);
      for (const read of [registry.deviceSource(9n), registry.signerSince(9n)]) {
        await expect(read).to.be.revertedWithCustomError(registry, "DeviceRegistryUnknownDevice").withArgs(9n);
      }
    });

    it("reverts when the caller is not a registrar", async function () {
      const { registry, owner, deviceId } = await networkHelpers.loadFixture(registryFixture);
      const role = await registry.REGISTRAR_ROLE();
      for (const call of [
        registry.connect(owner).suspendDevice(deviceId, REASON),
        registry.connect(owner).reactivateDevice(deviceId, REASON),
        registry.connect(owner).decommissionDevice(deviceId, REASON),
        registry.connect(owner).setMetadataURI(deviceId, "ipfs://forged"),
      ]) {
        await expect(call)
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(owner.address, role);
      }
      const device = await registry.getDevice(deviceId);
      expect(device.status).to.equal(DeviceStatus.Active);
      expect(device.metadataURI).to.equal("ipfs://device");
    });
  });

  describe("setMetadataURI", function () {
    it("updates the documentation link", async function () {
      const { registry, registrar, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(registrar).setMetadataURI(deviceId, "ipfs://v2"))
        .to.emit(registry, "DeviceMetadataURIUpdated")
        .withArgs(deviceId, "ipfs://v2");
      expect((await registry.getDevice(deviceId)).metadataURI).to.equal("ipfs://v2");
    });
  });

  describe("rotateSigner", function () {
    it("lets the owner replace the meter key", async function () {
      const { registry, owner, meter, deviceId } = await networkHelpers.loadFixture(registryFixture);
      const next = meterKey("next");
      await expect(registry.connect(owner).rotateSigner(deviceId, next.address))
        .to.emit(registry, "DeviceSignerRotated")
        .withArgs(deviceId, meter.address, next.address);
      expect((await registry.getDevice(deviceId)).signer).to.equal(next.address);
      expect((await registry.getDevice(deviceId)).signerSince).to.equal(BigInt(await networkHelpers.time.latest()));
    });

    it("reverts when the caller is not the owner, even a registrar", async function () {
      const { registry, registrar, meter, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(registrar).rotateSigner(deviceId, registrar.address))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryNotDeviceOwner")
        .withArgs(deviceId, registrar.address);
    });

    it("reverts when the new key is the zero address", async function () {
      const { registry, owner, meter, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(owner).rotateSigner(deviceId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidSigner")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts for an unknown device", async function () {
      const { registry, owner } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(owner).rotateSigner(5n, owner.address))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryUnknownDevice")
        .withArgs(5n);
    });
  });

  describe("setOwner", function () {
    it("lets the owner hand the device over", async function () {
      const { registry, owner, newOwner, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(owner).setOwner(deviceId, newOwner.address))
        .to.emit(registry, "DeviceOwnerChanged")
        .withArgs(deviceId, owner.address, newOwner.address);
      expect((await registry.meteringProfile(deviceId)).owner).to.equal(newOwner.address);
      // The previous owner has no say any more.
      await expect(registry.connect(owner).setOwner(deviceId, owner.address))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryNotDeviceOwner")
        .withArgs(deviceId, owner.address);
    });

    it("reverts when the caller is not the owner", async function () {
      const { registry, owner, stranger, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(stranger).setOwner(deviceId, stranger.address))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryNotDeviceOwner")
        .withArgs(deviceId, stranger.address);
    });

    it("reverts when the new owner is the zero address", async function () {
      const { registry, owner, deviceId } = await networkHelpers.loadFixture(registryFixture);
      await expect(registry.connect(owner).setOwner(deviceId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryInvalidOwner")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("roles", function () {
    it("lets only the admin grant the registrar role", async function () {
      const { registry, deployer, stranger } = await networkHelpers.loadFixture(registryFixture);
      const role = await registry.REGISTRAR_ROLE();
      expect(await registry.hasRole(role, deployer.address)).to.equal(true);
      await expect(registry.connect(stranger).grantRole(role, stranger.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.DEFAULT_ADMIN_ROLE());
    });
  });

  describe("isRenewable", function () {
    it("agrees with the SDK for every kind", async function () {
      const { registry } = await networkHelpers.loadFixture(registryFixture);
      const renewable = [
        DeviceKind.Solar,
        DeviceKind.Wind,
        DeviceKind.Hydro,
        DeviceKind.Geothermal,
        DeviceKind.Biomass,
      ];
      for (let kind = DeviceKind.Solar; kind <= DeviceKind.Fossil; kind++) {
        expect(await registry.isRenewable(kind)).to.equal(renewable.includes(kind));
        expect(isRenewable(kind)).to.equal(renewable.includes(kind));
      }
    });
  });
});
