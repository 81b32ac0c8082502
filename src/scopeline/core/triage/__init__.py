"""Triage: what is this message, is it in the agreement, what would it cost, what do we do."""
