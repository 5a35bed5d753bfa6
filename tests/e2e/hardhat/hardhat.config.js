// A bare hardhat network for tests/e2e: no contracts are compiled here (Tanquan
// deploys its own Vyper bytecode over JSON-RPC); chainId 31337, cancun, automine.
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: "cancun",
      mining: { auto: true, interval: 0 },
    },
  },
};
