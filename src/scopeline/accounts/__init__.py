"""Accounts and workspaces: users log in by e-mail; every record belongs to a workspace."""
