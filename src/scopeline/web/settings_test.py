"""Settings for the test suite: the real settings with a fast password hasher and no manifest."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SCOPELINE_STATIC_MANIFEST", "false")
# Tasks run inline, in the test's own transaction (the worker tests start real workers).
os.environ.setdefault("SCOPELINE_TASKS", "immediate")
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-" + "x" * 40)

from scopeline.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# WhiteNoise serves from the app folders in tests; the collected folder need only exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PORTAL_RATE = {"GET": 100_000, "POST": 100_000}  # the rate-limit tests set their own
# Files the tests store (e-mail intake) go to a folder of this run, not to ./var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="scopeline-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, True)
