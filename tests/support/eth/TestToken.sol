// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// A minimal ERC-20 for the end-to-end tests: USDC's 6 decimals, the whole
// supply minted to whoever deploys it, transfer() emitting the standard
// Transfer event the watcher reads with eth_getLogs. Nothing else.
contract TestToken {
    string public constant name = "Test USD Coin";
    string public constant symbol = "TUSDC";
    uint8 public constant decimals = 6;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor() {
        totalSupply = 1_000_000_000 * 10 ** 6;
        balanceOf[msg.sender] = totalSupply;
        emit Transfer(address(0), msg.sender, totalSupply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "balance too low");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}
