// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ComputeMarket} from "../../contracts/compute/ComputeMarket.sol";
import {IComputeMarket} from "../../contracts/interfaces/IComputeMarket.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../../contracts/interfaces/IRenewableCertificates.sol";
import {ITestStablecoin} from "../../contracts/interfaces/ITestStablecoin.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {MockKwh, MockRecs} from "./ComputeMocks.sol";

/// @notice An ERC-20 without EIP-3009 whose fallback answers every unknown call with success and no data, so a call to
/// `receiveWithAuthorization` would "succeed" without moving anything.
contract SilentFallbackToken is ERC20 {
    constructor() ERC20("Silent", "SIL") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    fallback() external {}
}

/// @notice Fuzzed laws of `buyWithAuthorization`: a genuine authorization moves exactly the cost from the buyer to the
/// market, books it as the payout's proceeds and the cluster's locked bond, and mints the credits to the receiver,
/// the relayer paying nothing; an authorization relayed with any purchase term changed moves nothing at all.
contract BuyWithAuthorizationTest is Test {
    uint128 internal constant PRICE = 3e6;

    TestStablecoin internal usd;
    ComputeMarket internal market;
    address internal provider = address(0xB0);
    address internal payout = address(0xFA);
    address internal relayer = address(0x7E1A);
    uint256 internal clusterId;
    uint256 internal id;
    uint256 internal otherId;
    uint64 internal start;

    function setUp() public {
        vm.warp(1_750_000_000);
        usd = new TestStablecoin(address(this));
        market = new ComputeMarket(
            IERC20(address(usd)),
            IMeteredEnergy(address(new MockKwh())),
            IRenewableCertificates(address(new MockRecs()))
        );
        vm.prank(provider);
        clusterId = market.registerCluster(_registration());
        usd.mint(provider, 1_000e6);
        vm.prank(provider);
        usd.approve(address(market), type(uint256).max);
        vm.prank(provider);
        market.postBond(clusterId, 1_000e6);
        start = uint64((block.timestamp / 3600 + 2) * 3600);
        vm.prank(provider);
        id = market.offerWindow(clusterId, start, 2, PRICE);
        vm.prank(provider);
        otherId = market.offerWindow(clusterId, start + 2 hours, 2, PRICE);
    }

    function _registration() private view returns (IComputeMarket.ClusterRegistration memory) {
        return
            IComputeMarket.ClusterRegistration({
                gpuClass: "H100-SXM",
                gpuCount: 4,
                gridZone: "ERCOT-NORTH",
                minWhPerGpuHour: 500,
                maxWhPerGpuHour: 700,
                operator: provider,
                payout: payout,
                payoutIsIntake: false
            });
    }

    struct Purchase {
        uint256 creditId;
        uint64 gpuHours;
        address receiver;
        bytes32 salt;
        address buyer;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
    }

    function _purchase(
        uint256 key,
        uint256 gpuSeed,
        uint256 receiverSeed,
        bytes32 salt
    ) private returns (Purchase memory p) {
        p.buyer = vm.addr(key);
        p.creditId = id;
        p.gpuHours = uint64(bound(gpuSeed, 1, 8));
        p.receiver = address(uint160(uint256(keccak256(abi.encode("receiver", receiverSeed)))));
        p.salt = salt;
        p.value = uint256(p.gpuHours) * PRICE;
        p.validBefore = start;
        usd.mint(p.buyer, 100e6);
    }

    function _nonce(Purchase memory p) private view returns (bytes32) {
        return market.purchaseNonce(p.creditId, p.gpuHours, p.receiver, p.value, p.salt);
    }

    function _sign(uint256 key, Purchase memory p) private view returns (bytes memory) {
        bytes32 nonce = _nonce(p);
        bytes32 structHash = keccak256(
            abi.encode(
                usd.RECEIVE_WITH_AUTHORIZATION_TYPEHASH(),
                p.buyer,
                address(market),
                p.value,
                p.validAfter,
                p.validBefore,
                nonce
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(
            key,
            keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash))
        );
        return abi.encodePacked(r, s, v);
    }

    function _relay(Purchase memory p, bytes memory signature) private returns (uint256) {
        vm.prank(relayer);
        return
            market.buyWithAuthorization(
                p.creditId,
                p.gpuHours,
                p.receiver,
                p.salt,
                p.buyer,
                p.value,
                p.validAfter,
                p.validBefore,
                signature
            );
    }

    /// @dev Everything a purchase can change.
    function _state(Purchase memory p) private view returns (bytes32) {
        (uint256 direct, ) = market.proceedsOf(payout);
        return
            keccak256(
                abi.encode(
                    usd.balanceOf(p.buyer),
                    usd.balanceOf(address(market)),
                    usd.balanceOf(relayer),
                    direct,
                    market.getCluster(clusterId).bondFree,
                    market.getWindow(id).sold,
                    market.getWindow(otherId).sold,
                    market.totalSupply(id),
                    market.totalSupply(otherId)
                )
            );
    }

    function testFuzz_GenuineAuthorizationMovesExactlyTheCost(
        uint256 keySeed,
        uint256 gpuSeed,
        uint256 receiverSeed,
        bytes32 salt
    ) public {
        uint256 key = bound(keySeed, 1, 2 ** 128);
        Purchase memory p = _purchase(key, gpuSeed, receiverSeed, salt);
        bytes memory signature = _sign(key, p);
        uint256 marketBefore = usd.balanceOf(address(market));
        uint256 bondBefore = market.getCluster(clusterId).bondFree;
        uint256 cost = _relay(p, signature);
        _checkSale(p, cost, marketBefore, bondBefore);
    }

    function _checkSale(Purchase memory p, uint256 cost, uint256 marketBefore, uint256 bondBefore) private view {
        assertEq(cost, p.value, "cost is the authorized value");
        assertEq(usd.balanceOf(p.buyer), 100e6 - cost, "the buyer paid the cost");
        assertEq(usd.balanceOf(address(market)), marketBefore + cost, "the market received it");
        assertEq(usd.balanceOf(relayer), 0, "the relayer paid nothing");
        (uint256 direct, ) = market.proceedsOf(payout);
        assertEq(direct, cost, "the proceeds accrued to the payout");
        assertEq(market.getCluster(clusterId).bondFree, bondBefore - cost, "the sale locked its price of bond");
        assertEq(market.balanceOf(p.receiver, id), p.gpuHours, "the receiver holds the credits");
        assertEq(market.getWindow(id).sold, p.gpuHours, "sold");
        assertTrue(usd.authorizationState(p.buyer, _nonce(p)), "the authorization is used");
    }

    function testFuzz_ChangedTermMovesNothing(
        uint256 keySeed,
        uint256 gpuSeed,
        uint256 receiverSeed,
        bytes32 salt,
        uint8 which,
        uint256 changeSeed
    ) public {
        uint256 key = bound(keySeed, 1, 2 ** 128);
        Purchase memory p = _purchase(key, gpuSeed, receiverSeed, salt);
        bytes memory signature = _sign(key, p);
        address signer = p.buyer;
        which = uint8(bound(which, 0, 4));
        if (which == 0) {
            p.creditId = otherId;
        } else if (which == 1) {
            // Other GPU-hours (1 to 7 more, modulo the capacity of 8), with the value that pays for them.
            p.gpuHours = uint64(((p.gpuHours + bound(changeSeed, 0, 6)) % 8) + 1);
            p.value = uint256(p.gpuHours) * PRICE;
        } else if (which == 2) {
            p.receiver = address(uint160(uint256(keccak256(abi.encode("other receiver", changeSeed)))));
        } else if (which == 3) {
            p.salt = keccak256(abi.encode(salt, changeSeed));
        } else {
            p.buyer = address(uint160(uint256(keccak256(abi.encode("other buyer", changeSeed)))));
            usd.mint(p.buyer, 100e6);
        }
        bytes32 before = _state(p);
        vm.expectRevert(
            abi.encodeWithSelector(ITestStablecoin.StablecoinAuthorizationInvalidSignature.selector, p.buyer)
        );
        _relay(p, signature);
        assertEq(_state(p), before, "nothing moved");
        assertEq(usd.balanceOf(signer), 100e6, "the signer kept every cent");
    }

    /// A stablecoin whose fallback silently accepts `authorizationState` is refused by name before anything is booked,
    /// not left to fail later on a shortfall.
    function test_refusesAStablecoinWhoseFallbackAnswersWithoutData() public {
        SilentFallbackToken silent = new SilentFallbackToken();
        ComputeMarket silentMarket = new ComputeMarket(
            IERC20(address(silent)),
            IMeteredEnergy(address(new MockKwh())),
            IRenewableCertificates(address(new MockRecs()))
        );
        silent.mint(provider, 1_000e6);
        vm.startPrank(provider);
        silent.approve(address(silentMarket), type(uint256).max);
        uint256 silentCluster = silentMarket.registerCluster(_registration());
        silentMarket.postBond(silentCluster, 1_000e6);
        uint256 silentId = silentMarket.offerWindow(silentCluster, start, 2, PRICE);
        vm.stopPrank();
        address buyer = vm.addr(0xB1);
        silent.mint(buyer, 100e6);

        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeAuthorizationUnsupported.selector, address(silent))
        );
        vm.prank(relayer);
        silentMarket.buyWithAuthorization(silentId, 1, buyer, bytes32(0), buyer, PRICE, 0, start, "");
    }
}
