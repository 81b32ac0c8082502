"""What the benchmarks share: the environment of the subprocess that runs Django on a fresh
database in a temporary folder, with the production settings (debug off)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def django_env(tmp: Path, **extra: str) -> dict[str, str]:
    """Production settings on a fresh SQLite database in ``tmp`` (``DATABASE_URL`` in
    ``extra`` for PostgreSQL), a throwaway secret key, and warnings only in the log."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scopeline.web.settings",
        "SCOPELINE_DATA_DIR": str(tmp / "data"),
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "SCOPELINE_DEBUG": "false",
        "SCOPELINE_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env
