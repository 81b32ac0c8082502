"""The workspace overview: what needs an answer, what the month brought, how projects stand."""
