// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title GridZones
/// @notice Grid zone codes such as `ERCOT-NORTH` or `JP-TOKYO`, stored as left-aligned, zero-padded `bytes32`.
/// A valid code has 1 to 32 characters from A-Z, 0-9, `-` and `_`, so it is safe to print in JSON metadata.
library GridZones {
    /// @notice Whether `zone` is a well-formed grid zone code.
    function isValid(bytes32 zone) internal pure returns (bool) {
        uint256 length = _length(zone);
        if (length == 0) return false;
        for (uint256 i; i < 32; ++i) {
            bytes1 c = zone[i];
            if (i >= length) {
                if (c != 0) return false; // no characters after the padding
            } else if (!((c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_")) {
                return false;
            }
        }
        return true;
    }

    /// @notice The code as a string (the characters before the zero padding).
    function toString(bytes32 zone) internal pure returns (string memory) {
        uint256 length = _length(zone);
        bytes memory out = new bytes(length);
        for (uint256 i; i < length; ++i) out[i] = zone[i];
        return string(out);
    }

    function _length(bytes32 zone) private pure returns (uint256 length) {
        while (length < 32 && zone[length] != 0) ++length;
    }
}
