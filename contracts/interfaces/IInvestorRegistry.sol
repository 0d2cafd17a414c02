// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Investor registry
/// @notice The allow-list behind every Joulestack note: who may hold notes, until when, under which jurisdiction,
/// and who is frozen. Compliance agents keep it; vaults consult it on every path by which a note or a payout moves.
interface IInvestorRegistry {
    /// @notice One investor's entry.
    /// @param expiry When the verification lapses (unix seconds); 0 means not listed.
    /// @param jurisdiction An ISO 3166-1 numeric country code.
    /// @param frozen Whether a compliance agent froze the account.
    struct Investor {
        uint64 expiry;
        uint16 jurisdiction;
        bool frozen;
    }

    /// @notice The zero address cannot be listed or frozen.
    error InvestorRegistryZeroAddress();

    /// @notice A listing must expire in the future.
    /// @param account The account being listed.
    /// @param expiry The expiry given.
    /// @param timestamp The current time.
    error InvestorRegistryExpiryNotInFuture(address account, uint64 expiry, uint256 timestamp);

    /// @notice The account is not on the list.
    /// @param account The account.
    error InvestorRegistryNotListed(address account);

    /// @notice Emitted when an investor is listed or their entry renewed.
    /// @param account The investor.
    /// @param expiry When the verification lapses.
    /// @param jurisdiction The investor's jurisdiction code.
    event InvestorListed(address indexed account, uint64 expiry, uint16 jurisdiction);

    /// @notice Emitted when an investor is removed from the list.
    /// @param account The investor.
    event InvestorDelisted(address indexed account);

    /// @notice Emitted when a wallet is linked to an investor identity (or unlinked, with identity zero).
    /// @param account The wallet.
    /// @param identity The investor identity (e.g. a hash of the KYC record or an ONCHAINID address), or zero.
    event IdentityLinked(address indexed account, bytes32 indexed identity);

    /// @notice Emitted when an account is frozen or unfrozen.
    /// @param account The account.
    /// @param frozen The new frozen flag.
    event AccountFreezeSet(address indexed account, bool frozen);

    /// @notice Lists `account` (or renews its entry) until `expiry`. Agents only.
    /// @param account The investor.
    /// @param expiry When the verification lapses, in the future.
    /// @param jurisdiction The investor's jurisdiction code.
    function listInvestor(address account, uint64 expiry, uint16 jurisdiction) external;

    /// @notice Lists many accounts with the same expiry and jurisdiction. Agents only.
    /// @param accounts The investors.
    /// @param expiry When the verifications lapse, in the future.
    /// @param jurisdiction The investors' jurisdiction code.
    function listInvestors(address[] calldata accounts, uint64 expiry, uint16 jurisdiction) external;

    /// @notice Removes `account` from the list; its frozen flag stays. Agents only.
    /// @param account A listed investor.
    function delistInvestor(address account) external;

    /// @notice Freezes or unfreezes `account`: a frozen account can neither send, receive nor claim. Agents only.
    /// @param account The account.
    /// @param frozen The new flag.
    function setFrozen(address account, bool frozen) external;

    /// @notice Links `account` to the investor `identity` (zero unlinks it). Wallets of one identity belong to one
    /// investor: a vault recovers a lost wallet's notes only to another wallet of the same identity. Agents only.
    /// @param account The wallet.
    /// @param identity The investor identity, or zero.
    function linkIdentity(address account, bytes32 identity) external;

    /// @notice The investor identity `account` is linked to (zero if none).
    /// @param account The wallet.
    function identityOf(address account) external view returns (bytes32);

    /// @notice The entry of `account`.
    /// @param account The account.
    function investor(address account) external view returns (Investor memory);

    /// @notice Whether `account` is listed, unexpired and not frozen, i.e. may receive notes now.
    /// @param account The account.
    function isVerified(address account) external view returns (bool);
}
