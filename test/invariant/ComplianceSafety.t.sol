// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Lists, delists, freezes and re-roles investors from a mix of callers (the admin, an agent, an agent whose
/// role was revoked, a stranger) while time passes, keeping a model of what the allow-list should say. A success by a
/// caller without the role counts in `ghostUnauthorizedChanges`; `successes` counts authorised successes and refused
/// unauthorised attempts per action for the reachability test.
contract ComplianceHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address public constant ADMIN = address(0xAD);
    address public constant AGENT = address(0xA6);
    address public constant REVOKED = address(0xDEAD);
    address public constant STRANGER = address(0xBAD);
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");

    InvestorRegistry public immutable registry;
    address[3] public investors = [address(0x1001), address(0x1002), address(0x1003)];

    mapping(address account => uint64) public modelExpiry;
    mapping(address account => uint16) public modelJurisdiction;
    mapping(address account => bool) public modelFrozen;
    mapping(address account => bytes32) public modelIdentity;
    mapping(address account => bool) public modelAgent;
    uint256 public ghostUnauthorizedChanges;
    mapping(string action => uint256) public successes;

    constructor(InvestorRegistry registry_) {
        registry = registry_;
        modelAgent[ADMIN] = true;
        modelAgent[AGENT] = true;
    }

    function list(uint256 actorSeed, uint256 investorSeed, uint256 lifetime, uint16 jurisdiction) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        uint64 expiry = uint64(block.timestamp + 1 + (lifetime % 365 days));
        VM.prank(actor);
        try registry.listInvestor(account, expiry, jurisdiction) {
            _authorized(actor);
            modelExpiry[account] = expiry;
            modelJurisdiction[account] = jurisdiction;
            ++successes["list"];
        } catch {
            _refused(actor);
        }
    }

    function delist(uint256 actorSeed, uint256 investorSeed) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        VM.prank(actor);
        try registry.delistInvestor(account) {
            _authorized(actor);
            modelExpiry[account] = 0;
            modelJurisdiction[account] = 0;
            ++successes["delist"];
        } catch {
            _refused(actor);
        }
    }

    function setFrozen(uint256 actorSeed, uint256 investorSeed, bool frozen) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        VM.prank(actor);
        try registry.setFrozen(account, frozen) {
            _authorized(actor);
            modelFrozen[account] = frozen;
            ++successes["setFrozen"];
        } catch {
            _refused(actor);
        }
    }

    /// @notice Someone links an investor's wallet to one of two identities (or unlinks it): the link decides where a
    /// vault may recover that wallet's notes, so only agents may set it.
    function linkIdentity(uint256 actorSeed, uint256 investorSeed, uint256 identitySeed) external {
        address actor = _actor(actorSeed);
        address account = investors[investorSeed % investors.length];
        bytes32 identity = [bytes32(0), bytes32("investor A"), bytes32("investor B")][identitySeed % 3];
        VM.prank(actor);
        try registry.linkIdentity(account, identity) {
            _authorized(actor);
            modelIdentity[account] = identity;
            ++successes["linkIdentity"];
        } catch {
            _refused(actor);
        }
    }

    /// @notice Someone grants or revokes the agent role of the agent, the revoked agent or the stranger.
    function changeAgent(uint256 actorSeed, uint256 accountSeed, bool grant) external {
        address actor = _actor(actorSeed);
        address account = [AGENT, REVOKED, STRANGER][accountSeed % 3];
        VM.prank(actor);
        if (grant) {
            try registry.grantRole(AGENT_ROLE, account) {
                if (actor != ADMIN) ++ghostUnauthorizedChanges;
                modelAgent[account] = true;
                ++successes["changeAgent"];
            } catch {
                if (actor != ADMIN) ++successes["refused"];
            }
        } else {
            try registry.revokeRole(AGENT_ROLE, account) {
                if (actor != ADMIN) ++ghostUnauthorizedChanges;
                modelAgent[account] = false;
                ++successes["changeAgent"];
            } catch {
                if (actor != ADMIN) ++successes["refused"];
            }
        }
    }

    function warp(uint256 seconds_) external {
        VM.warp(block.timestamp + (seconds_ % 60 days));
    }

    function _refused(address actor) private {
        if (!modelAgent[actor]) ++successes["refused"];
    }

    function _authorized(address actor) private {
        if (!modelAgent[actor]) ++ghostUnauthorizedChanges;
    }

    function _actor(uint256 seed) private pure returns (address) {
        return [ADMIN, AGENT, REVOKED, STRANGER][seed % 4];
    }
}

/// @notice The allow-list is exactly what authorised agents made it, and only role admins change who is an agent.
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

    /// Agent membership is exactly the admin's grants and revocations.
    function invariant_agentRoleMatchesAdminDecisions() public view {
        address[3] memory accounts = [handler.AGENT(), handler.REVOKED(), handler.STRANGER()];
        for (uint256 i; i < accounts.length; ++i) {
            assertTrue(registry.hasRole(handler.AGENT_ROLE(), accounts[i]) == handler.modelAgent(accounts[i]), "agent");
        }
    }
}

/// @notice A fixed pseudo-random sequence makes every edit succeed for an authorised caller and be refused for an
/// unauthorised one at least `MIN_SUCCESSES` times, with the allow-list matching the model throughout.
contract ComplianceReachabilityTest is ComplianceWorld {
    uint256 private constant STEPS = 300;
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
            uint256 action = seed % 6;
            if (action == 0) handler.list(a, b, c, uint16(c >> 64));
            else if (action == 1) handler.delist(a, b);
            else if (action == 2) handler.setFrozen(a, b, c % 2 == 0);
            else if (action == 3) handler.linkIdentity(a, b, c);
            else if (action == 4) handler.changeAgent(a, b, c % 2 == 0);
            else handler.warp(a);
            _checkAllowList();
        }
        string[6] memory actions = ["list", "delist", "setFrozen", "linkIdentity", "changeAgent", "refused"];
        for (uint256 i; i < actions.length; ++i) {
            assertGe(handler.successes(actions[i]), MIN_SUCCESSES, actions[i]);
        }
        assertEq(handler.ghostUnauthorizedChanges(), 0, "unauthorised change");
    }
}
