"""Scopeline: say "no" to a client, or "yes, for a price", without losing the client.

The domain core is :mod:`scopeline.core`; the ``scopeline`` command is :mod:`scopeline.cli`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
