// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {FlexibilityMarket} from "../../contracts/flexibility/FlexibilityMarket.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IFlexibilityMarket} from "../../contracts/interfaces/IFlexibilityMarket.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {ITestStablecoin} from "../../contracts/interfaces/ITestStablecoin.sol";
import {SmartAccount} from "../../contracts/mocks/SmartAccount.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";

/// @notice After a chain split (same contracts, new chain id) every EIP-712 domain must follow the new chain id, so a
/// message signed on one side does not replay on the other: the cached-domain finding of Centrifuge's 2023 audit. Each
/// case runs for an EOA signer and for a smart account (ERC-1271) whose owner key signs the same digest.
contract DomainForkTest is Test {
    uint256 private constant METER_KEY = 0xA11CE;
    uint256 private constant HOLDER_KEY = 0xB0B;
    uint256 private constant ACCOUNT_OWNER_KEY = 0xC0FFEE;

    DeviceRegistry private registry;
    MeteredEnergy private energy;
    FlexibilityMarket private market;
    TestStablecoin private stablecoin;
    SmartAccount private account;

    function setUp() public {
        vm.warp(1_750_000_000);
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        stablecoin = new TestStablecoin(address(this));
        market = new FlexibilityMarket(stablecoin, energy, address(this));
        account = new SmartAccount(vm.addr(ACCOUNT_OWNER_KEY));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        registry.registerDevice(
            IDeviceRegistry.DeviceRegistration({
                signer: vm.addr(METER_KEY),
                owner: address(this),
                kind: IDeviceRegistry.DeviceKind.Solar,
                capacityW: 1_000,
                gridZone: "ERCOT-NORTH",
                commissionedAt: 1_700_000_000,
                metadataURI: ""
            })
        );
    }

    function test_submitReading_rejectsAReadingSignedBeforeTheFork() public {
        uint64 start = uint64(block.timestamp);
        IMeteredEnergy.MeterReading memory baseline = IMeteredEnergy.MeterReading(1, 500, start);
        energy.resumeMetering(baseline, _sign(METER_KEY, energy.readingDigest(baseline)));
        vm.warp(start + 600);
        // The counter did not move, so nothing is minted to this (non-receiver) owner.
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(1, 500, start + 600);
        bytes memory signature = _sign(METER_KEY, energy.readingDigest(reading));

        vm.chainId(block.chainid + 1);
        vm.expectPartialRevert(IMeteredEnergy.MeteredEnergyInvalidSigner.selector);
        energy.submitReading(reading, signature);

        bytes memory resigned = _sign(METER_KEY, energy.readingDigest(reading));
        energy.submitReading(reading, resigned);
        assertEq(energy.meterState(1).timestamp, start + 600, "re-signed for the new chain");
        // Settlement proofs follow the chain too.
        assertEq(energy.verifyReading(reading, resigned), vm.addr(METER_KEY), "new chain's signature");
        vm.expectPartialRevert(IMeteredEnergy.MeteredEnergyInvalidSigner.selector);
        energy.verifyReading(reading, signature);
    }

    function test_submitReading_rejectsASmartAccountReadingSignedBeforeTheFork() public {
        registry.registerDevice(
            IDeviceRegistry.DeviceRegistration({
                signer: address(account),
                owner: address(this),
                kind: IDeviceRegistry.DeviceKind.Solar,
                capacityW: 1_000,
                gridZone: "ERCOT-NORTH",
                commissionedAt: 1_700_000_000,
                metadataURI: ""
            })
        );
        uint64 start = uint64(block.timestamp);
        IMeteredEnergy.MeterReading memory baseline = IMeteredEnergy.MeterReading(2, 500, start);
        energy.resumeMetering(baseline, _sign(ACCOUNT_OWNER_KEY, energy.readingDigest(baseline)));
        vm.warp(start + 600);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(2, 500, start + 600);
        bytes memory signature = _sign(ACCOUNT_OWNER_KEY, energy.readingDigest(reading));

        vm.chainId(block.chainid + 1);
        // The owner key recovers from the stale signature, but to another digest: neither the key nor the account.
        vm.expectPartialRevert(IMeteredEnergy.MeteredEnergyInvalidSigner.selector);
        energy.submitReading(reading, signature);
        assertEq(energy.meterState(2).timestamp, start, "nothing applied");

        energy.submitReading(reading, _sign(ACCOUNT_OWNER_KEY, energy.readingDigest(reading)));
        assertEq(energy.meterState(2).timestamp, start + 600, "re-signed for the new chain");
    }

    function test_bytesPermit_rejectsASmartAccountPermitSignedBeforeTheFork() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = _permitDigest(address(account), 0, deadline);
        bytes memory signature = _sign(ACCOUNT_OWNER_KEY, digest);

        vm.chainId(block.chainid + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITestStablecoin.TestStablecoinInvalidPermitSignature.selector,
                address(account),
                address(this)
            )
        );
        stablecoin.permit(address(account), address(this), 1e6, deadline, signature);
        assertEq(stablecoin.nonces(address(account)), 0, "nonce unused");

        stablecoin.permit(
            address(account),
            address(this),
            1e6,
            deadline,
            _sign(ACCOUNT_OWNER_KEY, _permitDigest(address(account), 0, deadline))
        );
        assertEq(stablecoin.allowance(address(account), address(this)), 1e6, "re-signed for the new chain");
    }

    function test_attestationDigest_followsTheChain() public {
        IFlexibilityMarket.DeliveryAttestation memory attestation = IFlexibilityMarket.DeliveryAttestation(
            1,
            600,
            address(this)
        );
        bytes32 before = market.attestationDigest(attestation);
        vm.chainId(block.chainid + 1);
        assertTrue(market.attestationDigest(attestation) != before, "digest moved with the chain");
    }

    function test_permit_rejectsAPermitSignedBeforeTheFork() public {
        address holder = vm.addr(HOLDER_KEY);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                holder,
                address(this),
                1e6,
                0,
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", stablecoin.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(HOLDER_KEY, digest);

        vm.chainId(block.chainid + 1);
        vm.expectPartialRevert(ERC20Permit.ERC2612InvalidSigner.selector);
        stablecoin.permit(holder, address(this), 1e6, deadline, v, r, s);
    }

    function _permitDigest(address owner, uint256 nonce, uint256 deadline) private view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(this),
                1e6,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", stablecoin.DOMAIN_SEPARATOR(), structHash));
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }
}
