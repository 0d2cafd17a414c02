// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Calendar} from "../../contracts/libraries/Calendar.sol";
import {TokenMetadata} from "../../contracts/libraries/TokenMetadata.sol";
import {Test} from "../utils/Test.sol";

contract TokenMetadataTest is Test {
    // --- Calendar.date against a day-by-day count ---

    /// @dev Counts whole years, then whole months, from 1970-01-01: nothing shared with the era arithmetic under test.
    function _naiveDate(uint256 timestamp) private pure returns (uint256 year, uint256 month, uint256 day) {
        uint256 daysLeft = timestamp / 86_400;
        year = 1970;
        while (true) {
            uint256 yearDays = _isLeap(year) ? 366 : 365;
            if (daysLeft < yearDays) break;
            daysLeft -= yearDays;
            ++year;
        }
        uint8[12] memory lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        month = 1;
        while (true) {
            uint256 monthDays = lengths[month - 1] + (month == 2 && _isLeap(year) ? 1 : 0);
            if (daysLeft < monthDays) break;
            daysLeft -= monthDays;
            ++month;
        }
        day = daysLeft + 1;
    }

    function _isLeap(uint256 year) private pure returns (bool) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    function testFuzz_date_matchesADayByDayCount(uint256 timestamp) public pure {
        // 1970 to about 2540: every leap-year rule (4, 100 and 400) is crossed several times.
        timestamp = bound(timestamp, 0, 18_000_000_000);
        (uint256 year, uint256 month, uint256 day) = Calendar.date(timestamp);
        (uint256 expectedYear, uint256 expectedMonth, uint256 expectedDay) = _naiveDate(timestamp);
        assertEq(year, expectedYear, "year");
        assertEq(month, expectedMonth, "month");
        assertEq(day, expectedDay, "day");
        (uint256 y, uint256 m) = Calendar.yearMonth(timestamp);
        assertEq(y, year, "yearMonth year");
        assertEq(m, month, "yearMonth month");
    }

    function test_date_knownDays() public pure {
        _assertDate(0, 1970, 1, 1);
        _assertDate(951_782_400, 2000, 2, 29); // leap day of a year divisible by 400
        _assertDate(4_107_456_000, 2100, 2, 28);
        _assertDate(4_107_542_400, 2100, 3, 1); // 2100 has no leap day
        _assertDate(1_772_441_999, 2026, 3, 2); // 08:59:59 on 2026-03-02
    }

    function _assertDate(uint256 timestamp, uint256 year, uint256 month, uint256 day) private pure {
        (uint256 y, uint256 m, uint256 d) = Calendar.date(timestamp);
        assertEq(y, year, "year");
        assertEq(m, month, "month");
        assertEq(d, day, "day");
    }

    // --- ISO 8601 ---

    function test_isoHour_printsTheUtcDateAndHour() public pure {
        assertEq(TokenMetadata.isoHour(0), "1970-01-01T00:00Z", "epoch");
        assertEq(TokenMetadata.isoHour(1_772_442_000), "2026-03-02T09:00Z", "README example");
        // solhint-disable-next-line quotes
        assertEq(TokenMetadata.isoHour(1_772_445_599), "2026-03-02T09:00Z", "the hour's last second");
        assertEq(TokenMetadata.isoHour(1_798_761_599), "2026-12-31T23:00Z", "year end");
        assertEq(TokenMetadata.isoHour(253_402_300_800), "10000-01-01T00:00Z", "five-digit year");
    }

    function test_isoMonth_padsTheYearAndMonth() public pure {
        assertEq(TokenMetadata.isoMonth(2026, 3), "2026-03", "month");
        assertEq(TokenMetadata.isoMonth(2026, 12), "2026-12", "december");
        assertEq(TokenMetadata.isoMonth(7, 1), "0007-01", "short year");
    }

    // --- JSON escaping ---

    function test_escape_quotesBackslashesAndControlCharacters() public pure {
        assertEq(TokenMetadata.escape("H100-SXM"), "H100-SXM", "plain text unchanged");
        // solhint-disable-next-line quotes
        assertEq(TokenMetadata.escape('say "hi"'), 'say \\"hi\\"', "quotes");
        assertEq(TokenMetadata.escape("a\\b"), "a\\\\b", "backslash");
        assertEq(TokenMetadata.escape("line\nbreak\ttab"), "line\\u000abreak\\u0009tab", "control characters");
        string memory edges = string(abi.encodePacked("\\u0000\\u001f", hex"7f"));
        assertEq(TokenMetadata.escape(string(hex"00_1f_7f")), edges, "edges");
        assertEq(TokenMetadata.escape(unicode"液冷 · 🔥"), unicode"液冷 · 🔥", "UTF-8 kept");
    }

    /// @dev Undoing the escaping gives back the input, and the output holds no raw quote, backslash outside an escape,
    /// or control character: it is a valid JSON string body for any input bytes.
    function testFuzz_escape_isAValidJsonStringBody(bytes memory input) public pure {
        bytes memory output = bytes(TokenMetadata.escape(string(input)));
        bytes memory decoded = new bytes(input.length);
        uint256 n;
        for (uint256 i; i < output.length; ++i) {
            bytes1 c = output[i];
            // solhint-disable-next-line quotes
            assertTrue(c >= 0x20 && c != '"', "no raw quote or control character");
            if (c != "\\") {
                decoded[n++] = c;
                continue;
            }
            bytes1 next = output[++i];
            if (next == "u") {
                assertEq(uint8(output[i + 1]), uint8(bytes1("0")), "u00");
                assertEq(uint8(output[i + 2]), uint8(bytes1("0")), "u00");
                decoded[n++] = bytes1(uint8(_hexValue(output[i + 3]) * 16 + _hexValue(output[i + 4])));
                i += 4;
            } else {
                // solhint-disable-next-line quotes
                assertTrue(next == '"' || next == "\\", "only quote and backslash escapes");
                decoded[n++] = next;
            }
        }
        assertEq(n, input.length, "length");
        assertEq(keccak256(decoded), keccak256(input), "round trip");
    }

    function _hexValue(bytes1 c) private pure returns (uint256) {
        return uint8(c) <= uint8(bytes1("9")) ? uint8(c) - uint8(bytes1("0")) : uint8(c) - uint8(bytes1("a")) + 10;
    }
}
