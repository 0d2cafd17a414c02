// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../../contracts/interfaces/IRenewableCertificates.sol";

/// @notice Test-only kWh token: the parts of `IMeteredEnergy` the compute market uses, with free minting and
/// configurable origins, so Solidity tests need no signed meter readings. Counts every Wh consumed.
contract MockKwh is ERC1155 {
    uint256 public totalConsumedWh;
    mapping(uint256 id => IMeteredEnergy.BatchOrigin) private _origins;

    constructor() ERC1155("") {}

    function mint(address to, uint256 id, uint256 amountWh, bytes32 zone, IDeviceRegistry.DeviceKind kind) external {
        _origins[id] = IMeteredEnergy.BatchOrigin({
            deviceId: id >> 64,
            hourIndex: uint64(id),
            hourStart: uint256(uint64(id)) * 3600,
            gridZone: zone,
            kind: kind,
            renewable: kind <= IDeviceRegistry.DeviceKind.Biomass
        });
        _mint(to, id, amountWh, "");
    }

    function batchOrigin(uint256 id) external view returns (IMeteredEnergy.BatchOrigin memory) {
        return _origins[id];
    }

    function consume(address from, uint256[] calldata ids, uint256[] calldata amountsWh, bytes32) external {
        if (from != msg.sender && !isApprovedForAll(from, msg.sender)) {
            revert ERC1155MissingApprovalForAll(msg.sender, from);
        }
        _burnBatch(from, ids, amountsWh);
        for (uint256 i; i < amountsWh.length; ++i) totalConsumedWh += amountsWh[i];
    }
}

/// @notice Test-only REC token: retiring burns and counts, like the real one, without issuance. A REC id's origin
/// (zone and vintage) is set when it is minted.
contract MockRecs is ERC1155 {
    uint256 public constant WH_PER_CERTIFICATE = 1_000_000;
    uint256 public totalRetired;
    uint256 public receiptCount;
    mapping(uint256 id => IRenewableCertificates.CertificateOrigin) private _origins;

    constructor() ERC1155("") {}

    function mint(address to, uint256 id, uint256 amount, bytes32 zone, uint64 vintage) external {
        _origins[id] = IRenewableCertificates.CertificateOrigin({
            deviceId: id >> 64,
            vintage: vintage,
            gridZone: zone,
            kind: IDeviceRegistry.DeviceKind.Wind
        });
        _mint(to, id, amount, "");
    }

    function certificateOrigin(uint256 id) external view returns (IRenewableCertificates.CertificateOrigin memory) {
        return _origins[id];
    }

    function retire(
        address from,
        uint256 id,
        uint256 amount,
        address,
        string calldata,
        string calldata
    ) external returns (uint256) {
        if (from != msg.sender && !isApprovedForAll(from, msg.sender)) {
            revert ERC1155MissingApprovalForAll(msg.sender, from);
        }
        _burn(from, id, amount);
        totalRetired += amount;
        return ++receiptCount;
    }
}

/// @notice Test-only revenue intake that refuses every payment, like a matured vault or a paused intake.
contract RefusingIntake {
    error RefusingIntakeClosed();

    address public immutable revenueAsset;

    constructor(address asset) {
        revenueAsset = asset;
    }

    function receiveRevenue(uint8, uint256) external pure {
        revert RefusingIntakeClosed();
    }
}

/// @notice Test-only revenue intake that books a payment but pulls only half of it.
contract HalfPullIntake {
    address public immutable revenueAsset;

    constructor(address asset) {
        revenueAsset = asset;
    }

    function receiveRevenue(uint8, uint256 amount) external {
        IERC20(revenueAsset).transferFrom(msg.sender, address(this), amount / 2);
    }
}

/// @notice Test-only revenue intake that can be closed and reopened: while closed it refuses every payment.
contract ToggleIntake {
    error ToggleIntakeClosed();

    address public immutable revenueAsset;
    bool public closed;
    uint256 public received;

    constructor(address asset) {
        revenueAsset = asset;
    }

    function setClosed(bool closed_) external {
        closed = closed_;
    }

    function receiveRevenue(uint8, uint256 amount) external {
        if (closed) revert ToggleIntakeClosed();
        received += amount;
        IERC20(revenueAsset).transferFrom(msg.sender, address(this), amount);
    }
}
