// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Lists, re-lists, delists, freezes, links and re-roles investors from a mix of callers (the admin, an agent,
/// an agent whose role was revoked, a stranger) while time passes, keeping a model of what the allow-list should say.
/// Besides honest edits it tries the edges: a listing expiring one second before, at or after now, a batch with the
/// zero address hidden in it, edits of the zero address, delisting what is not listed (or is frozen, or has lapsed),
/// re-linking a wallet or linking it to an identity another wallet holds, and the clock landing one second before,
/// at or after a listing's expiry.
/// Ghosts: `ghostUnauthorizedChanges` counts successes for a caller without the role that gates the call,
/// `ghostInvalidEditsAccepted` successes of edits the registry must refuse whoever calls, `ghostWrongRefusals`
/// refusals with another error than the one that explains them, and `ghostStuckHonestCalls` refusals of an agent's
/// valid edit or the admin's grant or revocation. `successes` counts each outcome for the reachability test.
// solhint-disable-next-line max-states-count
contract ComplianceHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address public constant ADMIN = address(0xAD);
    address public constant AGENT = address(0xA6);
    address public constant REVOKED = address(0xDEAD);
    address public constant STRANGER = address(0xBAD);
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");
    bytes32 private constant ADMIN_ROLE = 0x00;

    InvestorRegistry public immutable registry;
    address[3] public investors = [address(0x1001), address(0x1002), address(0x1003)];

    mapping(address account => uint64) public modelExpiry;
    mapping(address account => uint16) public modelJurisdiction;
    mapping(address account => bool) public modelFrozen;
    mapping(address account => bytes32) public modelIdentity;
    mapping(address account => bool) public modelAgent;
    uint256 public ghostUnauthorizedChanges;
    uint256 public ghostInvalidEditsAccepted;
    uint256 public ghostWrongRefusals;
    uint256 public ghostStuckHonestCalls;
    string public lastStuck;
    string public lastWrong;
    mapping(string action => uint256) public successes;

    constructor(InvestorRegistry registry_) {
        registry = registry_;
        modelAgent[ADMIN] = true;
        modelAgent[AGENT] = true;
    }

    // --- listing

    function list(uint256 actorSeed, uint256 investorSeed, uint256 lifetime, uint16 jurisdiction) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        uint64 expiry = uint64(block.timestamp + 1 + (lifetime % 365 days));
        bool relisting = modelExpiry[account] != 0;
        VM.prank(actor);
        try registry.listInvestor(account, expiry, jurisdiction) {
            _accepted(actor, "");
            modelExpiry[account] = expiry;
            modelJurisdiction[account] = jurisdiction;
            ++successes["list"];
            if (relisting) ++successes["relist"];
        } catch (bytes memory reason) {
            _refused(actor, AGENT_ROLE, "", reason, "list");
        }
    }

    /// @notice Someone lists an investor until one second before now, now, or one second after now: only the last
    /// is in the future, and an expiry of exactly now would list an account that is already not verified.
    function listAtExpiryEdge(uint256 actorSeed, uint256 investorSeed, uint256 edgeSeed, uint16 jurisdiction) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        uint64 expiry = uint64(block.timestamp - 1 + (edgeSeed % 3));
        bytes memory refusal =
            expiry > block.timestamp
                ? bytes("")
                : abi.encodeWithSelector(
                    IInvestorRegistry.InvestorRegistryExpiryNotInFuture.selector,
                    account,
                    expiry,
                    block.timestamp
                );
        VM.prank(actor);
        try registry.listInvestor(account, expiry, jurisdiction) {
            _accepted(actor, refusal);
            modelExpiry[account] = expiry;
            modelJurisdiction[account] = jurisdiction;
            ++successes["listOneSecond"];
        } catch (bytes memory reason) {
            _refused(actor, AGENT_ROLE, refusal, reason, "listAtExpiryEdge");
        }
    }

    /// @notice Someone lists one to three investors (repeats allowed) at once, sometimes with the zero address in
    /// place of one of them: the whole batch must then be refused, the valid entries included.
    function listMany(
        uint256 actorSeed,
        uint256 accountsSeed,
        uint256 lifetime,
        uint16 jurisdiction,
        uint256 zeroSeed
    ) external {
        address actor = _actor(actorSeed);
        address[] memory accounts = new address[](1 + (accountsSeed % 3));
        for (uint256 i; i < accounts.length; ++i) {
            accounts[i] = investors[(accountsSeed >> (8 * (i + 1))) % investors.length];
        }
        bool withZero = zeroSeed % 4 == 0;
        if (withZero) accounts[(zeroSeed >> 8) % accounts.length] = address(0);
        bytes memory refusal =
            withZero ? abi.encodeWithSelector(IInvestorRegistry.InvestorRegistryZeroAddress.selector) : bytes("");
        uint64 expiry = uint64(block.timestamp + 1 + (lifetime % 365 days));
        VM.prank(actor);
        try registry.listInvestors(accounts, expiry, jurisdiction) {
            _accepted(actor, refusal);
            for (uint256 i; i < accounts.length; ++i) {
                modelExpiry[accounts[i]] = expiry;
                modelJurisdiction[accounts[i]] = jurisdiction;
            }
            ++successes["listMany"];
        } catch (bytes memory reason) {
            _refused(actor, AGENT_ROLE, refusal, reason, "listMany");
        }
    }

    /// @notice Someone delists an investor: listed (possibly frozen, possibly lapsed) it must succeed for an agent and
    /// keep the frozen flag; never listed, or already delisted, it must be refused as not listed.
    function delist(uint256 actorSeed, uint256 investorSeed) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        uint64 expiry = modelExpiry[account];
        bytes memory refusal =
            expiry != 0
                ? bytes("")
                : abi.encodeWithSelector(IInvestorRegistry.InvestorRegistryNotListed.selector, account);
        VM.prank(actor);
        try registry.delistInvestor(account) {
            _accepted(actor, refusal);
            modelExpiry[account] = 0;
            modelJurisdiction[account] = 0;
            ++successes["delist"];
            if (modelFrozen[account]) ++successes["delistFrozen"];
            if (expiry != 0 && expiry <= block.timestamp) ++successes["delistLapsed"];
        } catch (bytes memory reason) {
            _refused(actor, AGENT_ROLE, refusal, reason, "delist");
        }
    }

    // --- freezing and identities

    function setFrozen(uint256 actorSeed, uint256 investorSeed, bool frozen) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        VM.prank(actor);
        try registry.setFrozen(account, frozen) {
            _accepted(actor, "");
            modelFrozen[account] = frozen;
            ++successes["setFrozen"];
        } catch (bytes memory reason) {
            _refused(actor, AGENT_ROLE, "", reason, "setFrozen");
        }
    }

    /// @notice Someone links an investor's wallet to one of two identities (or unlinks it), re-linking a linked
    /// wallet or giving it the identity another wallet already has: the link decides where a vault may recover that
    /// wallet's notes, so only agents may set it.
    function linkIdentity(uint256 actorSeed, uint256 investorSeed, uint256 identitySeed) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        bytes32 identity = [bytes32(0), bytes32("investor A"), bytes32("investor B")][identitySeed % 3];
        bool relinking = modelIdentity[account] != 0 && identity != 0;
        bool shared;
        for (uint256 i; i < investors.length; ++i) {
            if (investors[i] != account && identity != 0 && modelIdentity[investors[i]] == identity) shared = true;
        }
        VM.prank(actor);
        try registry.linkIdentity(account, identity) {
            _accepted(actor, "");
            modelIdentity[account] = identity;
            ++successes["linkIdentity"];
            if (relinking) ++successes["relink"];
            if (shared) ++successes["sharedIdentity"];
        } catch (bytes memory reason) {
            _refused(actor, AGENT_ROLE, "", reason, "linkIdentity");
        }
    }

    /// @notice Someone lists, freezes or links the zero address: refused whoever asks, and nothing changes.
    function editZeroAddress(uint256 actorSeed, uint256 whichSeed) external {
        address actor = _actor(actorSeed);
        bytes memory refusal = abi.encodeWithSelector(IInvestorRegistry.InvestorRegistryZeroAddress.selector);
        uint256 which = whichSeed % 3;
        VM.prank(actor);
        if (which == 0) {
            try registry.listInvestor(address(0), uint64(block.timestamp + 1 days), 840) {
                _accepted(actor, refusal);
            } catch (bytes memory reason) {
                _refused(actor, AGENT_ROLE, refusal, reason, "listZero");
            }
        } else if (which == 1) {
            try registry.setFrozen(address(0), true) {
                _accepted(actor, refusal);
            } catch (bytes memory reason) {
                _refused(actor, AGENT_ROLE, refusal, reason, "freezeZero");
            }
        } else {
            try registry.linkIdentity(address(0), bytes32("investor A")) {
                _accepted(actor, refusal);
            } catch (bytes memory reason) {
                _refused(actor, AGENT_ROLE, refusal, reason, "linkZero");
            }
        }
    }

    // --- roles

    /// @notice Someone grants or revokes the agent role of the agent, the revoked agent or the stranger.
    function changeAgent(uint256 actorSeed, uint256 accountSeed, bool grant) external {
        address actor = _actor(actorSeed);
        address account = [AGENT, REVOKED, STRANGER][accountSeed % 3];
        bool admin = actor == ADMIN;
        VM.prank(actor);
        if (grant) {
            try registry.grantRole(AGENT_ROLE, account) {
                if (!admin) ++ghostUnauthorizedChanges;
                modelAgent[account] = true;
                ++successes["changeAgent"];
            } catch (bytes memory reason) {
                _refusedRoleChange(actor, reason);
            }
        } else {
            try registry.revokeRole(AGENT_ROLE, account) {
                if (!admin) ++ghostUnauthorizedChanges;
                modelAgent[account] = false;
                ++successes["changeAgent"];
            } catch (bytes memory reason) {
                _refusedRoleChange(actor, reason);
            }
        }
    }

    // --- time

    function warp(uint256 seconds_) external {
        VM.warp(block.timestamp + (seconds_ % 60 days));
    }

    /// @notice The clock lands one second before, exactly at, or one second after an investor's expiry (when that is
    /// still ahead): at its expiry a listing no longer verifies.
    function warpToExpiry(uint256 investorSeed, uint256 edgeSeed) external {
        address account = investors[investorSeed % investors.length];
        uint256 expiry = modelExpiry[account];
        if (expiry == 0) return;
        uint256 t = expiry - 1 + (edgeSeed % 3);
        if (t <= block.timestamp) return;
        VM.warp(t);
        if (t == expiry) ++successes["atExpiry"];
    }

    // --- outcomes

    /// @dev A call went through: it must have come from an agent (`ghostUnauthorizedChanges`) with arguments the
    /// registry accepts (`refusal` empty, else `ghostInvalidEditsAccepted`).
    function _accepted(address actor, bytes memory refusal) private {
        if (!modelAgent[actor]) ++ghostUnauthorizedChanges;
        else if (refusal.length != 0) ++ghostInvalidEditsAccepted;
    }

    /// @dev A call reverted: for a caller without `role` it must say so; for an agent it must be `refusal`, and an
    /// empty `refusal` (a valid edit) must not revert at all.
    function _refused(
        address actor,
        bytes32 role,
        bytes memory refusal,
        bytes memory reason,
        string memory action
    ) private {
        if (!modelAgent[actor]) {
            _expectReason(_unauthorized(actor, role), reason, action, "refused");
        } else if (refusal.length == 0) {
            ++ghostStuckHonestCalls;
            lastStuck = action;
        } else {
            _expectReason(refusal, reason, action, "refusedInvalid");
        }
    }

    function _refusedRoleChange(address actor, bytes memory reason) private {
        if (actor == ADMIN) {
            ++ghostStuckHonestCalls;
            lastStuck = "changeAgent";
        } else {
            _expectReason(_unauthorized(actor, ADMIN_ROLE), reason, "changeAgent", "refused");
        }
    }

    function _expectReason(
        bytes memory expected,
        bytes memory reason,
        string memory action,
        string memory outcome
    ) private {
        if (keccak256(reason) == keccak256(expected)) {
            ++successes[outcome];
        } else {
            ++ghostWrongRefusals;
            lastWrong = action;
        }
    }

    function _unauthorized(address actor, bytes32 role) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, actor, role);
    }

    function _actor(uint256 seed) private pure returns (address) {
        return [ADMIN, AGENT, REVOKED, STRANGER][seed % 4];
    }
}

abstract contract ComplianceWorld is Test {
    InvestorRegistry internal registry;
    ComplianceHandler internal handler;

    function _deploy() internal {
        vm.warp(1_750_000_000);
        registry = new InvestorRegistry(address(0xAD));
        handler = new ComplianceHandler(registry);
        vm.startPrank(address(0xAD));
        registry.grantRole(registry.AGENT_ROLE(), handler.AGENT());
        registry.grantRole(registry.AGENT_ROLE(), handler.REVOKED());
        registry.revokeRole(registry.AGENT_ROLE(), handler.REVOKED());
        vm.stopPrank();
    }

    function _checkAllowList() internal view {
        for (uint256 i; i < 3; ++i) {
            address account = handler.investors(i);
            IInvestorRegistry.Investor memory entry = registry.investor(account);
            assertEq(entry.expiry, handler.modelExpiry(account), "expiry");
            assertEq(entry.jurisdiction, handler.modelJurisdiction(account), "jurisdiction");
            assertTrue(entry.frozen == handler.modelFrozen(account), "frozen");
            assertEq(registry.identityOf(account), handler.modelIdentity(account), "identity");
            bool verified = !handler.modelFrozen(account) && handler.modelExpiry(account) > block.timestamp;
            assertTrue(registry.isVerified(account) == verified, "verified");
        }
        // Refused edits of the zero address left nothing behind.
        IInvestorRegistry.Investor memory zero = registry.investor(address(0));
        assertEq(zero.expiry, 0, "zero address listed");
        assertFalse(zero.frozen, "zero address frozen");
        assertEq(registry.identityOf(address(0)), bytes32(0), "zero address linked");
    }

    function _checkGhosts() internal view {
        assertEq(handler.ghostUnauthorizedChanges(), 0, "unauthorised change");
        assertEq(handler.ghostInvalidEditsAccepted(), 0, "invalid edit accepted");
        assertEq(handler.ghostWrongRefusals(), 0, handler.lastWrong());
        assertEq(handler.ghostStuckHonestCalls(), 0, handler.lastStuck());
    }
}

/// @notice The allow-list is exactly what authorised agents made it, and only role admins change who is an agent.
contract ComplianceSafetyInvariants is ComplianceWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    /// Every entry, and whether it verifies (listed, unexpired, not frozen), matches the model of authorised edits.
    function invariant_allowListMatchesAuthorisedEdits() public view {
        _checkAllowList();
    }

    /// No list, delist, freeze, identity link or role change ever succeeded for a caller without the role that
    /// gates it.
    function invariant_onlyAgentsEditAndOnlyAdminsChangeRoles() public view {
        assertEq(handler.ghostUnauthorizedChanges(), 0, "unauthorised change");
    }

    /// No edit the registry must refuse (an expiry not after now, the zero address alone or in a batch, delisting
    /// what is not listed) ever went through, even from an agent, and every refusal carried the error that explains
    /// it (the missing role for a caller without it).
    function invariant_invalidEditsAreRefusedWithTheirError() public view {
        assertEq(handler.ghostInvalidEditsAccepted(), 0, "invalid edit accepted");
        assertEq(handler.ghostWrongRefusals(), 0, handler.lastWrong());
    }

    /// No valid edit by an agent (listing or re-listing until a future second, delisting a listed, frozen or lapsed
    /// entry, freezing, linking or re-linking) and no grant or revocation by the admin was ever refused.
    function invariant_noHonestCallIsStuck() public view {
        assertEq(handler.ghostStuckHonestCalls(), 0, handler.lastStuck());
    }

    /// Agent membership is exactly the admin's grants and revocations.
    function invariant_agentRoleMatchesAdminDecisions() public view {
        address[3] memory accounts = [handler.AGENT(), handler.REVOKED(), handler.STRANGER()];
        for (uint256 i; i < accounts.length; ++i) {
            assertTrue(registry.hasRole(handler.AGENT_ROLE(), accounts[i]) == handler.modelAgent(accounts[i]), "agent");
        }
    }
}

/// @notice A fixed pseudo-random sequence reaches every outcome at least `MIN_SUCCESSES` times: each edit succeeding
/// for an authorised caller (re-listing, delisting frozen and lapsed entries, re-linking and sharing an identity
/// included), refused for an unauthorised one, refused with its own error when invalid, and the clock stopping exactly
/// at an expiry; with the allow-list matching the model and every ghost at zero throughout.
contract ComplianceReachabilityTest is ComplianceWorld {
    uint256 private constant STEPS = 600;
    uint256 private constant MIN_SUCCESSES = 5;

    function setUp() public {
        _deploy();
    }

    function test_handler_reachesEveryAction() public {
        uint256 seed = 0xc0c0a;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 a = seed >> 8;
            uint256 b = seed >> 72;
            uint256 c = seed >> 136;
            uint256 action = seed % 10;
            if (action == 0) handler.list(a, b, c, uint16(c >> 64));
            else if (action == 1) handler.listAtExpiryEdge(a, b, c, uint16(c >> 64));
            else if (action == 2) handler.listMany(a, b, c, uint16(c >> 64), c >> 80);
            else if (action == 3) handler.delist(a, b);
            else if (action == 4) handler.setFrozen(a, b, c % 2 == 0);
            else if (action == 5) handler.linkIdentity(a, b, c);
            else if (action == 6) handler.editZeroAddress(a, b);
            else if (action == 7) handler.changeAgent(a, b, c % 2 == 0);
            else if (action == 8) handler.warpToExpiry(a, b);
            else handler.warp(a);
            _checkAllowList();
            _checkGhosts();
        }
        string[15] memory outcomes = [
            "list",
            "relist",
            "listOneSecond",
            "listMany",
            "delist",
            "delistFrozen",
            "delistLapsed",
            "setFrozen",
            "linkIdentity",
            "relink",
            "sharedIdentity",
            "changeAgent",
            "atExpiry",
            "refused",
            "refusedInvalid"
        ];
        for (uint256 i; i < outcomes.length; ++i) {
            assertGe(handler.successes(outcomes[i]), MIN_SUCCESSES, outcomes[i]);
        }
    }
}
