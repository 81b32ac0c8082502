"""The inbox: a client message is triaged against its project's agreement, a reply is drafted in
the client's language, and the user's decision is written to the ledger."""
