// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Test-only: a 6-decimal dollar shaped like USDT. `transfer`, `transferFrom` and `approve` return nothing,
/// failures revert, and an allowance can only be set from or to zero, so callers must use SafeERC20 and
/// `forceApprove`.
contract NoReturnToken {
    error NoReturnTokenInsufficientBalance(address from, uint256 balance, uint256 needed);
    error NoReturnTokenInsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error NoReturnTokenApproveFromNonZero(address spender, uint256 allowance);

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    function name() external pure returns (string memory) {
        return "No Return Dollar";
    }

    function symbol() external pure returns (string memory) {
        return "nUSD";
    }

    function decimals() external pure returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < amount) revert NoReturnTokenInsufficientAllowance(msg.sender, allowed, amount);
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
    }

    function approve(address spender, uint256 amount) external {
        uint256 current = allowance[msg.sender][spender];
        if (current != 0 && amount != 0) revert NoReturnTokenApproveFromNonZero(spender, current);
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function _move(address from, address to, uint256 amount) private {
        uint256 balance = balanceOf[from];
        if (balance < amount) revert NoReturnTokenInsufficientBalance(from, balance, amount);
        balanceOf[from] = balance - amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
