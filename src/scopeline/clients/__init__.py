"""Clients: who they are, the language they read, and what the team knows about them."""
