"""Projects, their versioned agreements, the ledger and the client requests triaged against them."""
