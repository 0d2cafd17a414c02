// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IERC7572} from "../interfaces/IERC7572.sol";
import {IMeteredEnergy} from "../interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../interfaces/IRenewableCertificates.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {EnergyIds} from "../libraries/EnergyIds.sol";
import {GridZones} from "../libraries/GridZones.sol";
import {TokenMetadata} from "../libraries/TokenMetadata.sol";
import {BoundedPausable} from "../utils/BoundedPausable.sol";

/// @title RenewableCertificates
/// @notice Renewable Energy Certificates (1 REC = 1 MWh) issued once from metered renewable kWh and retired for a
/// named beneficiary with a permanent receipt whose hash is kept on chain.
contract RenewableCertificates is
    IRenewableCertificates,
    IERC1155Receiver,
    ERC1155,
    AccessControl,
    BoundedPausable,
    ReentrancyGuardTransient
{
    using SafeCast for uint256;

    /// @inheritdoc IRenewableCertificates
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @inheritdoc IRenewableCertificates
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IRenewableCertificates
    uint256 public constant WH_PER_CERTIFICATE = 1_000_000;

    /// @inheritdoc IRenewableCertificates
    IMeteredEnergy public immutable energy;
    IDeviceRegistry private immutable _registry;

    /// @dev An issuance request as stored: requester, status and total in one slot, written once more at decision.
    // solhint-disable-next-line gas-struct-packing
    struct StoredRequest {
        address requester;
        RequestStatus status;
        uint88 amountWh;
        uint256 certificateId;
        bytes32 batchesHash;
        uint256 firstSerial;
    }

    /// @inheritdoc IRenewableCertificates
    uint256 public constant MAX_REQUEST_WH = type(uint88).max;

    uint256 private _requestCount;
    uint256 private _receiptCount;
    /// @dev RECs ever issued across all ids; the next certification's first serial is this plus one.
    uint256 private _serialCount;
    mapping(uint256 requestId => StoredRequest) private _requests;
    /// @dev keccak256(abi.encode(receipt)); the receipt's text lives in its event, which is all history needs.
    mapping(uint256 receiptId => bytes32) private _receiptHashes;
    mapping(uint256 certificateId => CertificateTotals) private _totals;

    /// @param energy_ The kWh token whose renewable energy backs the RECs.
    /// @param admin The account that grants and revokes roles.
    constructor(IMeteredEnergy energy_, address admin) ERC1155("") {
        energy = energy_;
        _registry = energy_.registry();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IRenewableCertificates
    function requestIssuance(
        uint256[] calldata batchIds,
        uint256[] calldata amountsWh
    ) external nonReentrant whenNotPaused returns (uint256 requestId) {
        if (batchIds.length != amountsWh.length) revert ERC1155InvalidArrayLength(batchIds.length, amountsWh.length);
        if (batchIds.length == 0) revert RenewableCertificatesEmptyRequest();

        uint256 certificateId = EnergyIds.certificateIdOfBatch(batchIds[0]);
        (uint256 deviceId, ) = EnergyIds.decodeCertificateId(certificateId);
        (IDeviceRegistry.DeviceKind kind, ) = _registry.deviceSource(deviceId);
        if (!DeviceKinds.isRenewable(kind)) revert RenewableCertificatesNotRenewable(deviceId, kind);
        if (_totals[certificateId].revoked) revert RenewableCertificatesRevoked(certificateId);

        uint256 amountWh;
        for (uint256 i; i < batchIds.length; ++i) {
            if (EnergyIds.certificateIdOfBatch(batchIds[i]) != certificateId) {
                revert RenewableCertificatesMixedCertificate(certificateId, batchIds[i]);
            }
            amountWh += amountsWh[i];
        }
        if (amountWh == 0 || amountWh % WH_PER_CERTIFICATE != 0) revert RenewableCertificatesNotWholeMWh(amountWh);
        if (amountWh > MAX_REQUEST_WH) revert RenewableCertificatesRequestTooLarge(amountWh, MAX_REQUEST_WH);

        requestId = ++_requestCount;
        StoredRequest storage request = _requests[requestId];
        request.requester = msg.sender;
        request.status = RequestStatus.Pending;
        request.amountWh = uint88(amountWh);
        request.certificateId = certificateId;
        request.batchesHash = keccak256(abi.encode(batchIds, amountsWh));
        emit IssuanceRequested(requestId, msg.sender, certificateId, batchIds, amountsWh, amountWh);

        energy.safeBatchTransferFrom(msg.sender, address(this), batchIds, amountsWh, "");
    }

    /// @inheritdoc IRenewableCertificates
    function certify(
        uint256 requestId,
        uint256[] calldata batchIds,
        uint256[] calldata amountsWh,
        string calldata evidenceURI
    ) external onlyRole(ISSUER_ROLE) nonReentrant whenNotPaused {
        StoredRequest storage request = _pending(requestId, batchIds, amountsWh);
        uint256 amount = _recordIssuance(requestId, request, evidenceURI);
        _burnLocked(requestId, batchIds, amountsWh);
        _mint(request.requester, request.certificateId, amount, "");
    }

    /// @inheritdoc IRenewableCertificates
    function reject(
        uint256 requestId,
        uint256[] calldata batchIds,
        uint256[] calldata amountsWh,
        string calldata reason
    ) external onlyRole(ISSUER_ROLE) nonReentrant {
        StoredRequest storage request = _pending(requestId, batchIds, amountsWh);
        request.status = RequestStatus.Rejected;
        emit IssuanceRejected(requestId, request.certificateId, msg.sender, reason);

        energy.safeBatchTransferFrom(address(this), request.requester, batchIds, amountsWh, "");
    }

    /// @inheritdoc IRenewableCertificates
    function revoke(uint256 certificateId, string calldata reason) external onlyRole(ISSUER_ROLE) {
        CertificateTotals storage totals = _totals[certificateId];
        if (totals.issued == 0) revert RenewableCertificatesNotIssued(certificateId);
        if (totals.revoked) revert RenewableCertificatesRevoked(certificateId);
        totals.revoked = true;
        emit CertificateRevoked(certificateId, msg.sender, reason);
    }

    /// @inheritdoc IRenewableCertificates
    function retire(
        address from,
        uint256 certificateId,
        uint256 amount,
        address beneficiary,
        string calldata beneficiaryName,
        string calldata purpose
    ) external nonReentrant returns (uint256 receiptId) {
        if (from != msg.sender && !isApprovedForAll(from, msg.sender)) {
            revert ERC1155MissingApprovalForAll(msg.sender, from);
        }
        if (amount == 0) revert RenewableCertificatesZeroAmount();
        if (beneficiary == address(0)) revert RenewableCertificatesInvalidBeneficiary(beneficiary);

        // Burning checks the balance, the pause and revocation.
        _burn(from, certificateId, amount);
        _totals[certificateId].retired += amount.toUint128();
        receiptId = ++_receiptCount;
        _receiptHashes[receiptId] = keccak256(
            abi.encode(
                RetirementReceipt({
                    certificateId: certificateId,
                    holder: from,
                    retiredAt: uint64(block.timestamp),
                    beneficiary: beneficiary,
                    amount: amount.toUint96(),
                    beneficiaryName: beneficiaryName,
                    purpose: purpose
                })
            )
        );
        emit CertificatesRetired(
            receiptId,
            certificateId,
            beneficiary,
            from,
            msg.sender,
            amount,
            beneficiaryName,
            purpose
        );
    }

    /// @inheritdoc IRenewableCertificates
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IRenewableCertificates
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @notice Accepts kWh only when this contract pulls them itself for an issuance request.
    function onERC1155Received(
        address operator,
        address,
        uint256,
        uint256,
        bytes calldata
    ) external view returns (bytes4) {
        _checkCustody(operator);
        return this.onERC1155Received.selector;
    }

    /// @notice Accepts kWh only when this contract pulls them itself for an issuance request.
    function onERC1155BatchReceived(
        address operator,
        address,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external view returns (bytes4) {
        _checkCustody(operator);
        return this.onERC1155BatchReceived.selector;
    }

    /// @inheritdoc IRenewableCertificates
    function getRequest(uint256 requestId) external view returns (IssuanceRequest memory) {
        StoredRequest storage request = _requests[requestId];
        return
            IssuanceRequest({
                requester: request.requester,
                status: request.status,
                certificateId: request.certificateId,
                amountWh: request.amountWh,
                batchesHash: request.batchesHash,
                firstSerial: request.firstSerial
            });
    }

    /// @inheritdoc IRenewableCertificates
    function receiptHash(uint256 receiptId) public view returns (bytes32) {
        if (receiptId == 0 || receiptId > _receiptCount) revert RenewableCertificatesUnknownReceipt(receiptId);
        return _receiptHashes[receiptId];
    }

    /// @inheritdoc IRenewableCertificates
    function verifyReceipt(uint256 receiptId, RetirementReceipt calldata receipt) external view returns (bool) {
        return keccak256(abi.encode(receipt)) == receiptHash(receiptId);
    }

    /// @inheritdoc IRenewableCertificates
    function receiptCount() external view returns (uint256) {
        return _receiptCount;
    }

    /// @inheritdoc IRenewableCertificates
    function certificateTotals(uint256 certificateId) external view returns (CertificateTotals memory) {
        return _totals[certificateId];
    }

    /// @inheritdoc IRenewableCertificates
    function certificateIdOfBatch(uint256 batchId) external pure returns (uint256) {
        return EnergyIds.certificateIdOfBatch(batchId);
    }

    /// @inheritdoc IRenewableCertificates
    function certificateOrigin(uint256 certificateId) public view returns (CertificateOrigin memory) {
        (uint256 deviceId, uint64 vintage) = EnergyIds.decodeCertificateId(certificateId);
        (IDeviceRegistry.DeviceKind kind, bytes32 gridZone) = _registry.deviceSource(deviceId);
        return CertificateOrigin({deviceId: deviceId, vintage: vintage, gridZone: gridZone, kind: kind});
    }

    // JSON fragments are single-quoted so their double quotes need no escaping.
    // solhint-disable quotes
    /// @notice On-chain JSON metadata of a REC id: device, vintage month, grid zone, source, RECs issued and retired
    /// and whether the id was revoked. One unit is one MWh (`decimals` 0). Every vintage of a registered device is
    /// described, issued or not (status `not issued`); the id of an unregistered device reverts with
    /// `DeviceRegistryUnknownDevice`.
    /// @param id The REC id.
    function uri(uint256 id) public view override returns (string memory) {
        CertificateOrigin memory origin = certificateOrigin(id);
        CertificateTotals storage totals = _totals[id];
        string memory deviceId = Strings.toString(origin.deviceId);
        string memory vintage = TokenMetadata.isoMonth(origin.vintage / 100, origin.vintage % 100);
        string memory source = DeviceKinds.name(origin.kind);
        string memory zone = GridZones.toString(origin.gridZone);
        bytes memory json = abi.encodePacked(
            unicode'{"name":"REC · device ',
            deviceId,
            unicode" · ",
            vintage,
            '","description":"Renewable Energy Certificates for ',
            source,
            " energy metered from device ",
            deviceId,
            " in grid zone ",
            zone,
            " in ",
            vintage,
            ' (UTC). One unit is one MWh.","decimals":0,'
        );
        json = abi.encodePacked(
            json,
            '"properties":{"deviceId":',
            deviceId,
            ',"vintage":"',
            vintage,
            '","gridZone":"',
            zone,
            '","source":"',
            source,
            '","issued":',
            Strings.toString(totals.issued),
            ',"retired":',
            Strings.toString(totals.retired),
            ',"status":"',
            totals.revoked
                ? "revoked"
                : totals.issued == 0
                    ? "not issued"
                    : "issued",
            '"}}'
        );
        return TokenMetadata.dataURI(json);
    }

    /// @inheritdoc IERC7572
    function contractURI() external pure returns (string memory) {
        return
            TokenMetadata.dataURI(
                '{"name":"Joulestack Renewable Energy Certificates","symbol":"REC","description":"Renewable Energy '
                "Certificates issued against metered kWh of renewable devices: one token id per device and vintage "
                'month, one unit per MWh, retired for a named beneficiary."}'
            );
    }
    // solhint-enable quotes

    /// @inheritdoc AccessControl
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC1155, AccessControl, IERC165) returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Every balance change stops while paused; RECs of a revoked id can no longer leave their holder.
    function _update(
        address from,
        address to,
        uint256[] memory ids,
        uint256[] memory values
    ) internal override whenNotPaused {
        if (from != address(0)) {
            for (uint256 i; i < ids.length; ++i) {
                if (_totals[ids[i]].revoked) revert RenewableCertificatesRevoked(ids[i]);
            }
        }
        super._update(from, to, ids, values);
    }

    function _pending(
        uint256 requestId,
        uint256[] calldata batchIds,
        uint256[] calldata amountsWh
    ) private view returns (StoredRequest storage request) {
        request = _requests[requestId];
        if (request.status != RequestStatus.Pending) {
            revert RenewableCertificatesRequestNotPending(requestId, request.status);
        }
        bytes32 given = keccak256(abi.encode(batchIds, amountsWh));
        if (given != request.batchesHash)
            revert RenewableCertificatesBatchesMismatch(requestId, request.batchesHash, given);
    }

    /// @return amount The RECs to mint.
    function _recordIssuance(
        uint256 requestId,
        StoredRequest storage request,
        string calldata evidenceURI
    ) private returns (uint256 amount) {
        uint256 certificateId = request.certificateId;
        CertificateTotals storage totals = _totals[certificateId];
        if (totals.revoked) revert RenewableCertificatesRevoked(certificateId);

        // Exact: requests only lock whole MWh.
        amount = request.amountWh / WH_PER_CERTIFICATE;
        uint256 firstSerial = _serialCount + 1;
        _serialCount += amount;
        request.status = RequestStatus.Certified;
        request.firstSerial = firstSerial;
        totals.issued += amount.toUint128();
        emit IssuanceCertified(requestId, certificateId, msg.sender, amount, firstSerial, evidenceURI);
    }

    /// @dev The locked kWh are burned through the public consumption path, tagged with the request id.
    function _burnLocked(uint256 requestId, uint256[] calldata batchIds, uint256[] calldata amountsWh) private {
        energy.consume(address(this), batchIds, amountsWh, bytes32(requestId));
    }

    function _checkCustody(address operator) private view {
        if (msg.sender != address(energy) || operator != address(this)) {
            revert RenewableCertificatesUnexpectedTransfer(msg.sender, operator);
        }
    }
}
