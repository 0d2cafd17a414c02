// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {Calendar} from "./Calendar.sol";

/// @title TokenMetadata
/// @notice Pieces of the on-chain JSON metadata that the Joulestack tokens serve from `uri(id)` and `contractURI()`:
/// the data URI, UTC dates in ISO 8601, and JSON string escaping for text that comes from users.
/// @dev Metadata is served as `data:application/json;base64,...`. Base64 needs no percent-encoding, so a user
/// string holding `#`, `%` or `,` cannot cut the URI short, which a `;utf8,` data URI would allow.
library TokenMetadata {
    bytes16 private constant _HEX_DIGITS = "0123456789abcdef";
    bytes1 private constant _QUOTE = 0x22; // "
    bytes1 private constant _BACKSLASH = 0x5c; // \

    /// @notice `json` as a base64 data URI.
    function dataURI(bytes memory json) internal pure returns (string memory) {
        return string.concat("data:application/json;base64,", Base64.encode(json));
    }

    /// @notice The UTC date and hour of `timestamp` in ISO 8601, minutes fixed at zero: `2026-03-02T09:00Z`.
    /// @dev Years after 9999 are printed with all their digits.
    function isoHour(uint256 timestamp) internal pure returns (string memory) {
        (uint256 year, uint256 month, uint256 day) = Calendar.date(timestamp);
        return
            string.concat(
                isoMonth(year, month),
                "-",
                _twoDigits(day),
                "T",
                _twoDigits((timestamp % Calendar.SECONDS_PER_DAY) / 3600),
                ":00Z"
            );
    }

    /// @notice A calendar month in ISO 8601: `2026-03`.
    function isoMonth(uint256 year, uint256 month) internal pure returns (string memory) {
        string memory digits = Strings.toString(year);
        uint256 length = bytes(digits).length;
        if (length < 4)
            digits = string.concat(
                length == 3
                    ? "0"
                    : length == 2
                        ? "00"
                        : "000",
                digits
            );
        return string.concat(digits, "-", _twoDigits(month));
    }

    /// @notice `value` as a JSON string body: `"` and `\` are escaped with a backslash and control characters
    /// (below 0x20) as `\u00XX`. Other bytes, UTF-8 included, are kept as they are.
    function escape(string memory value) internal pure returns (string memory) {
        bytes memory input = bytes(value);
        uint256 extra;
        for (uint256 i; i < input.length; ++i) {
            bytes1 c = input[i];
            if (c == _QUOTE || c == _BACKSLASH) ++extra;
            else if (c < 0x20) extra += 5;
        }
        if (extra == 0) return value;
        bytes memory output = new bytes(input.length + extra);
        uint256 j;
        for (uint256 i; i < input.length; ++i) {
            bytes1 c = input[i];
            if (c == _QUOTE || c == _BACKSLASH) {
                output[j++] = _BACKSLASH;
                output[j++] = c;
            } else if (c < 0x20) {
                output[j++] = _BACKSLASH;
                output[j++] = "u";
                output[j++] = "0";
                output[j++] = "0";
                output[j++] = _HEX_DIGITS[uint8(c) >> 4];
                output[j++] = _HEX_DIGITS[uint8(c) & 0x0f];
            } else {
                output[j++] = c;
            }
        }
        return string(output);
    }

    function _twoDigits(uint256 value) private pure returns (string memory) {
        return value < 10 ? string.concat("0", Strings.toString(value)) : Strings.toString(value);
    }
}
