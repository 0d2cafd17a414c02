// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {ITestStablecoin} from "../../contracts/interfaces/ITestStablecoin.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the stablecoin with bounded mints, transfers, permits and permit-funded pulls between holders who
/// sign with their own keys, while a third party mints, overdraws, pulls without allowance and replays every permit
/// it has seen (as signed, to itself, with a larger value, after the deadline). Ghosts are measured balance changes;
/// `ghostForbidden` counts successes of calls that must fail and `ghostStuck` failures of calls whose conditions
/// were all met.
contract TestStablecoinHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );
    uint256 public constant HOLDERS = 3;
    address public constant THIRD_PARTY = address(0xBAD);

    // solhint-disable-next-line gas-struct-packing
    struct SeenPermit {
        address owner;
        address spender;
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    IERC20 public immutable token;
    IERC20Permit public immutable permits;
    ITestStablecoin public immutable minter;
    uint256[HOLDERS] private _keys = [uint256(0x5EC1), 0x5EC2, 0x5EC3];
    SeenPermit[] private _seen;

    uint256 public ghostMinted;
    uint256 public ghostForbidden;
    string public lastForbidden;
    uint256 public ghostStuck;
    string public lastStuck;
    mapping(string action => uint256) public successes;

    constructor(TestStablecoin token_) {
        token = IERC20(address(token_));
        permits = IERC20Permit(address(token_));
        minter = ITestStablecoin(address(token_));
    }

    function holder(uint256 i) public view returns (address) {
        return VM.addr(_keys[i % HOLDERS]);
    }

    /// @notice The owner mints to a holder; the holder's balance must grow by exactly the amount.
    function mint(uint256 holderSeed, uint256 amount) external {
        amount %= 1e15;
        address to = holder(holderSeed);
        uint256 before = token.balanceOf(to);
        try minter.mint(to, amount) {
            uint256 gained = token.balanceOf(to) - before;
            if (gained != amount) _forbidden("mint credited another amount");
            ghostMinted += gained;
            ++successes["mint"];
        } catch {
            _stuck("mint");
        }
    }

    /// @notice A holder sends part of its balance (must succeed) or one unit more than it has (must fail).
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount, bool overdraw) external {
        address from = holder(fromSeed);
        address to = holder(toSeed);
        uint256 balance = token.balanceOf(from);
        amount = overdraw ? balance + 1 : amount % (balance + 1);
        VM.prank(from);
        try token.transfer(to, amount) {
            if (overdraw) _forbidden("overdraw");
            ++successes["transfer"];
        } catch {
            if (!overdraw) _stuck("transfer");
        }
    }

    /// @notice A holder signs a permit for another holder, who submits it and pulls the amount. The third party sees
    /// the signed permit.
    function permitAndPull(uint256 ownerSeed, uint256 spenderSeed, uint256 amount, uint256 lifetime) external {
        uint256 ownerIndex = ownerSeed % HOLDERS;
        address owner = holder(ownerIndex);
        address spender = holder(spenderSeed);
        if (spender == owner) spender = holder(ownerIndex + 1);
        amount %= token.balanceOf(owner) + 1;
        uint256 deadline = block.timestamp + (lifetime % 2 days);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(ownerIndex, spender, amount, deadline);
        _seen.push(SeenPermit(owner, spender, amount, deadline, v, r, s));
        uint256 before = token.balanceOf(spender);
        VM.startPrank(spender);
        try permits.permit(owner, spender, amount, deadline, v, r, s) {
            try token.transferFrom(owner, spender, amount) {
                if (token.balanceOf(spender) - before != amount) _forbidden("pull moved another amount");
                ++successes["permitAndPull"];
            } catch {
                _stuck("pull after permit");
            }
        } catch {
            _stuck("permit");
        }
        VM.stopPrank();
    }

    /// @notice The third party replays a permit it saw: as signed (the nonce moved on), naming itself as spender, with
    /// a larger value, or past its deadline; then tries to pull with whatever allowance it has. Every call must fail,
    /// and no holder may lose anything.
    function replayPermit(uint256 seenSeed, uint8 mode) external {
        if (_seen.length == 0) return;
        SeenPermit memory seen = _seen[seenSeed % _seen.length];
        mode %= 4;
        address spender = mode == 1 ? THIRD_PARTY : seen.spender;
        uint256 value = mode == 2 ? seen.value + 1 : seen.value;
        if (mode == 3) VM.warp(seen.deadline + 1);
        uint256 held = _held();
        VM.startPrank(THIRD_PARTY);
        try permits.permit(seen.owner, spender, value, seen.deadline, seen.v, seen.r, seen.s) {
            _forbidden("permit replayed");
        } catch {
            ++successes["replayPermit"];
        }
        if (token.balanceOf(seen.owner) != 0) {
            try token.transferFrom(seen.owner, THIRD_PARTY, 1) {
                _forbidden("pulled without allowance");
            } catch {}
        }
        VM.stopPrank();
        if (_held() != held) _forbidden("holders lost value to the third party");
    }

    /// @notice The third party tries to mint.
    function thirdPartyMint(uint256 amount) external {
        VM.prank(THIRD_PARTY);
        try minter.mint(THIRD_PARTY, 1 + (amount % 1e15)) {
            _forbidden("third party minted");
        } catch {
            ++successes["thirdPartyMint"];
        }
    }

    function warp(uint256 seconds_) external {
        VM.warp(block.timestamp + 1 + (seconds_ % 1 days));
        ++successes["warp"];
    }

    function _held() private view returns (uint256 sum) {
        for (uint256 i; i < HOLDERS; ++i) sum += token.balanceOf(holder(i));
    }

    function _signPermit(
        uint256 ownerIndex,
        address spender,
        uint256 value,
        uint256 deadline
    ) private view returns (uint8, bytes32, bytes32) {
        address owner = holder(ownerIndex);
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, owner, spender, value, permits.nonces(owner), deadline)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", permits.DOMAIN_SEPARATOR(), structHash));
        return VM.sign(_keys[ownerIndex], digest);
    }

    function _forbidden(string memory what) private {
        ++ghostForbidden;
        lastForbidden = what;
    }

    function _stuck(string memory what) private {
        ++ghostStuck;
        lastStuck = what;
    }
}

abstract contract TestStablecoinWorld is Test {
    TestStablecoin internal token;
    TestStablecoinHandler internal handler;

    function _deploy() internal {
        vm.warp(1_750_000_000);
        token = new TestStablecoin(address(this));
        handler = new TestStablecoinHandler(token);
        token.transferOwnership(address(handler));
    }

    function _checkSupply() internal view {
        uint256 sum = token.balanceOf(handler.THIRD_PARTY());
        for (uint256 i; i < handler.HOLDERS(); ++i) sum += token.balanceOf(handler.holder(i));
        assertEq(token.totalSupply(), sum, "supply vs balances");
        assertEq(token.totalSupply(), handler.ghostMinted(), "supply vs measured mints");
        assertEq(token.balanceOf(handler.THIRD_PARTY()), 0, "the third party holds something");
    }

    function _checkNothingForbiddenOrStuck() internal view {
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
    }
}

/// @notice Supply conservation and permit safety under {TestStablecoinHandler}.
contract TestStablecoinInvariantTest is TestStablecoinWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    /// The supply is what was measurably minted and sits entirely with the holders; the third party holds nothing.
    function invariant_supplyIsMeasuredMintsAndSumOfBalances() public view {
        _checkSupply();
    }

    /// No replayed or altered permit, overdraw, pull without allowance or third-party mint succeeded, and no honest
    /// mint, transfer, permit or pull failed.
    function invariant_forbiddenNeverSucceedsAndNothingIsStuck() public view {
        _checkNothingForbiddenOrStuck();
    }
}

/// @notice A fixed pseudo-random sequence reaches every action at least `MIN_SUCCESSES` times.
contract TestStablecoinReachabilityTest is TestStablecoinWorld {
    uint256 private constant STEPS = 300;
    uint256 private constant MIN_SUCCESSES = 10;

    function setUp() public {
        _deploy();
    }

    function test_handler_reachesEveryAction() public {
        uint256 seed = 0x57ab1e;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 a = seed >> 8;
            uint256 b = seed >> 72;
            uint256 c = seed >> 136;
            uint256 action = seed % 8;
            if (action < 2) handler.mint(a, b);
            else if (action < 4) handler.transfer(a, b, c, c % 5 == 0);
            else if (action == 4) handler.permitAndPull(a, b, c, c >> 64);
            else if (action == 5) handler.replayPermit(a, uint8(b));
            else if (action == 6) handler.thirdPartyMint(a);
            else handler.warp(a);
        }
        string[6] memory actions = ["mint", "transfer", "permitAndPull", "replayPermit", "thirdPartyMint", "warp"];
        for (uint256 i; i < actions.length; ++i) {
            assertGe(handler.successes(actions[i]), MIN_SUCCESSES, actions[i]);
        }
        _checkNothingForbiddenOrStuck();
        _checkSupply();
    }
}
