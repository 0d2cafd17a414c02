// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBoundedPause} from "./IBoundedPause.sol";
import {IDeviceRegistry} from "./IDeviceRegistry.sol";
import {IERC7572} from "./IERC7572.sol";
import {IMeteredEnergy} from "./IMeteredEnergy.sol";

/// @title Joulestack Renewable Energy Certificates
/// @notice An ERC-1155 token where one unit is one REC: one MWh of renewable generation from one device in one
/// vintage month. Token id = deviceId << 64 | (year * 100 + month) (see `EnergyIds`). A holder of renewable kWh
/// locks 1,000,000 Wh per REC and asks for issuance; an accredited issuer certifies (the kWh are burned and RECs
/// minted) or rejects (the kWh are returned). RECs move freely until they are retired for a beneficiary, which burns
/// them and commits a permanent, non-transferable receipt: its text is in the {CertificatesRetired} event and its
/// hash on chain, so anyone can prove what a receipt says with {verifyReceipt}. An issuer can revoke a REC id for
/// fraud, which freezes it.
interface IRenewableCertificates is IBoundedPause, IERC7572 {
    /// @notice Where an issuance request stands.
    enum RequestStatus {
        None,
        Pending,
        Certified,
        Rejected
    }

    /// @notice A request to turn locked kWh into RECs.
    /// @param requester Who locked the kWh and receives the RECs (or the kWh back).
    /// @param status Pending, Certified or Rejected.
    /// @param certificateId The REC id the kWh count towards.
    /// @param amountWh The locked energy, a whole number of MWh.
    /// @param batchesHash keccak256(abi.encode(batchIds, amountsWh)) of the locked kWh; the batches themselves are
    /// in the {IssuanceRequested} event and are passed back when the request is decided.
    /// @param firstSerial Serial number of the first REC issued (0 until certified); serials run up to
    /// `firstSerial + amountWh / 1e6 - 1`.
    struct IssuanceRequest {
        address requester;
        RequestStatus status;
        uint256 certificateId;
        uint256 amountWh;
        bytes32 batchesHash;
        uint256 firstSerial;
    }

    /// @notice Issued and retired RECs of one REC id.
    /// @param issued RECs ever minted.
    /// @param retired RECs ever retired (burned for a beneficiary).
    /// @param revoked Whether an issuer revoked the id.
    struct CertificateTotals {
        uint128 issued;
        uint128 retired;
        bool revoked;
    }

    /// @notice The permanent record of a retirement. Only its hash, `keccak256(abi.encode(receipt))`, is stored (see
    /// {receiptHash}); the fields are in the {CertificatesRetired} event, `retiredAt` being that event's block time.
    /// @param certificateId The REC id retired.
    /// @param holder Whose RECs were retired.
    /// @param retiredAt When (unix seconds).
    /// @param beneficiary The account the retirement is claimed for.
    /// @param amount How many RECs (MWh).
    /// @param beneficiaryName The beneficiary's name as stated at retirement.
    /// @param purpose What the claim covers (e.g. "Scope 2, data center FRA-1, 2025").
    struct RetirementReceipt {
        uint256 certificateId;
        address holder;
        uint64 retiredAt;
        address beneficiary;
        uint96 amount;
        string beneficiaryName;
        string purpose;
    }

    /// @notice Where a REC id comes from.
    /// @param deviceId The producing device.
    /// @param vintage year * 100 + month (UTC).
    /// @param gridZone The device's grid zone.
    /// @param kind The device kind (the energy source).
    struct CertificateOrigin {
        uint256 deviceId;
        uint64 vintage;
        bytes32 gridZone;
        IDeviceRegistry.DeviceKind kind;
    }

    /// @notice kWh were locked and issuance requested.
    /// @param requestId The request.
    /// @param requester Who locked them.
    /// @param certificateId The REC id asked for.
    /// @param batchIds The kWh batches locked.
    /// @param amountsWh How many Wh of each.
    /// @param amountWh The total, a whole number of MWh.
    event IssuanceRequested(
        uint256 indexed requestId,
        address indexed requester,
        uint256 indexed certificateId,
        uint256[] batchIds,
        uint256[] amountsWh,
        uint256 amountWh
    );

    /// @notice An issuer certified a request: its kWh were burned and RECs minted to the requester.
    /// @param requestId The request.
    /// @param certificateId The REC id.
    /// @param issuer Who certified.
    /// @param amount RECs minted.
    /// @param firstSerial Serial of the first REC; the rest follow consecutively.
    /// @param evidenceURI Where the issuer's evidence (audit, meter data) lives.
    event IssuanceCertified(
        uint256 indexed requestId,
        uint256 indexed certificateId,
        address indexed issuer,
        uint256 amount,
        uint256 firstSerial,
        string evidenceURI
    );

    /// @notice An issuer rejected a request: its kWh went back to the requester.
    /// @param requestId The request.
    /// @param certificateId The REC id asked for.
    /// @param issuer Who rejected.
    /// @param reason Why.
    event IssuanceRejected(
        uint256 indexed requestId,
        uint256 indexed certificateId,
        address indexed issuer,
        string reason
    );

    /// @notice An issuer revoked a REC id; its RECs can no longer move or be retired.
    /// @param certificateId The REC id.
    /// @param issuer Who revoked.
    /// @param reason Why.
    event CertificateRevoked(uint256 indexed certificateId, address indexed issuer, string reason);

    /// @notice RECs were retired and a receipt recorded.
    /// @param receiptId The receipt.
    /// @param certificateId The REC id.
    /// @param beneficiary Who the claim is for.
    /// @param holder Whose RECs were burned.
    /// @param operator Who retired them (the holder or an approved operator).
    /// @param amount How many RECs.
    /// @param beneficiaryName The beneficiary's name.
    /// @param purpose What the claim covers.
    event CertificatesRetired(
        uint256 indexed receiptId,
        uint256 indexed certificateId,
        address indexed beneficiary,
        address holder,
        address operator,
        uint256 amount,
        string beneficiaryName,
        string purpose
    );

    /// @notice A request may lock at most `max` Wh (a request is kept in one storage word with its requester).
    error RenewableCertificatesRequestTooLarge(uint256 amountWh, uint256 max);
    /// @notice An issuance request must lock at least one kWh batch.
    error RenewableCertificatesEmptyRequest();
    /// @notice The batch's device is not renewable, so its energy can never become a REC.
    error RenewableCertificatesNotRenewable(uint256 deviceId, IDeviceRegistry.DeviceKind kind);
    /// @notice All batches of a request must be from the same device and vintage month.
    error RenewableCertificatesMixedCertificate(uint256 certificateId, uint256 batchId);
    /// @notice A request must lock a whole number of MWh (1 REC = 1,000,000 Wh).
    error RenewableCertificatesNotWholeMWh(uint256 amountWh);
    /// @notice The request is not pending (it is unknown or already decided).
    error RenewableCertificatesRequestNotPending(uint256 requestId, RequestStatus status);
    /// @notice The batches given do not match those locked by the request.
    error RenewableCertificatesBatchesMismatch(uint256 requestId, bytes32 expected, bytes32 given);
    /// @notice The REC id was revoked: it cannot be requested, issued, moved or retired.
    error RenewableCertificatesRevoked(uint256 certificateId);
    /// @notice No REC of this id was ever issued.
    error RenewableCertificatesNotIssued(uint256 certificateId);
    /// @notice Retiring needs a positive amount.
    error RenewableCertificatesZeroAmount();
    /// @notice The beneficiary cannot be the zero address.
    error RenewableCertificatesInvalidBeneficiary(address beneficiary);
    /// @notice No receipt has this id.
    error RenewableCertificatesUnknownReceipt(uint256 receiptId);
    /// @notice This contract only takes custody of kWh that it pulls itself for an issuance request.
    error RenewableCertificatesUnexpectedTransfer(address token, address operator);

    /// @notice Locks the caller's renewable kWh (one device, one vintage month, a whole number of MWh) and asks an
    /// issuer for RECs. The caller must first approve this contract on the kWh token (`setApprovalForAll`).
    /// @param batchIds The kWh batches.
    /// @param amountsWh How many Wh of each.
    /// @return requestId The new request (sequential from 1).
    function requestIssuance(
        uint256[] calldata batchIds,
        uint256[] calldata amountsWh
    ) external returns (uint256 requestId);

    /// @notice Certifies a pending request: burns its kWh and mints RECs with consecutive serials to the requester.
    /// Only an issuer may do this.
    /// @param requestId The request.
    /// @param batchIds The request's kWh batches, as in {IssuanceRequested}.
    /// @param amountsWh The request's amounts, as in {IssuanceRequested}.
    /// @param evidenceURI Where the issuer's evidence lives.
    function certify(
        uint256 requestId,
        uint256[] calldata batchIds,
        uint256[] calldata amountsWh,
        string calldata evidenceURI
    ) external;

    /// @notice Rejects a pending request and returns its kWh to the requester. Only an issuer may do this.
    /// @param requestId The request.
    /// @param batchIds The request's kWh batches, as in {IssuanceRequested}.
    /// @param amountsWh The request's amounts, as in {IssuanceRequested}.
    /// @param reason Why.
    function reject(
        uint256 requestId,
        uint256[] calldata batchIds,
        uint256[] calldata amountsWh,
        string calldata reason
    ) external;

    /// @notice Revokes a REC id for fraud: its RECs can no longer move or be retired; past retirements stand.
    /// Only an issuer may do this.
    /// @param certificateId The REC id.
    /// @param reason Why.
    function revoke(uint256 certificateId, string calldata reason) external;

    /// @notice Retires RECs for a beneficiary: burns them and records a permanent receipt. The caller must be the
    /// holder or approved for all by them.
    /// @param from The holder.
    /// @param certificateId The REC id.
    /// @param amount How many RECs.
    /// @param beneficiary The account the claim is for.
    /// @param beneficiaryName The beneficiary's name.
    /// @param purpose What the claim covers (use, site, period).
    /// @return receiptId The receipt (sequential from 1).
    function retire(
        address from,
        uint256 certificateId,
        uint256 amount,
        address beneficiary,
        string calldata beneficiaryName,
        string calldata purpose
    ) external returns (uint256 receiptId);

    /// @notice Stops transfers, issuance and retirement for at most `MAX_PAUSE_DURATION`, after which the pause
    /// lapses by itself; a new pause may begin only after as long again unpaused. Only a pauser may do this.
    function pause() external;

    /// @notice Lifts the pause before it lapses. Only a pauser may do this.
    function unpause() external;

    /// @notice The role that certifies, rejects and revokes.
    function ISSUER_ROLE() external view returns (bytes32);

    /// @notice The role that may pause and unpause the token.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice The most Wh one issuance request may lock (2^88 - 1).
    function MAX_REQUEST_WH() external view returns (uint256);

    /// @notice Watt-hours behind one REC.
    function WH_PER_CERTIFICATE() external view returns (uint256);

    /// @notice The kWh token whose energy backs the RECs.
    function energy() external view returns (IMeteredEnergy);

    /// @notice An issuance request.
    /// @param requestId The request.
    function getRequest(uint256 requestId) external view returns (IssuanceRequest memory);

    /// @notice The hash committed for a retirement receipt, `keccak256(abi.encode(receipt))`; reverts for an unknown
    /// id.
    /// @param receiptId The receipt.
    function receiptHash(uint256 receiptId) external view returns (bytes32);

    /// @notice Whether `receipt` is exactly what was retired under `receiptId` (beneficiary, name, purpose, amount,
    /// holder, REC id and time); reverts for an unknown id.
    /// @param receiptId The receipt.
    /// @param receipt The receipt as read from its {CertificatesRetired} event and block time.
    function verifyReceipt(uint256 receiptId, RetirementReceipt calldata receipt) external view returns (bool);

    /// @notice How many receipts exist; ids run from 1 to this number.
    function receiptCount() external view returns (uint256);

    /// @notice Issued and retired amounts and revocation of a REC id.
    /// @param certificateId The REC id.
    function certificateTotals(uint256 certificateId) external view returns (CertificateTotals memory);

    /// @notice The REC id that a kWh batch counts towards: same device, the vintage month of the batch's hour.
    /// @param batchId The kWh batch id.
    function certificateIdOfBatch(uint256 batchId) external pure returns (uint256);

    /// @notice The device, vintage, zone and source of a REC id.
    /// @param certificateId The REC id.
    function certificateOrigin(uint256 certificateId) external view returns (CertificateOrigin memory);
}
