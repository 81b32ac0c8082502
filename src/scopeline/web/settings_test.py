"""Settings for the test suite: the real settings with a fast password hasher and no manifest."""

from __future__ import annotations

import os

os.environ.setdefault("SCOPELINE_STATIC_MANIFEST", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-" + "x" * 40)

from scopeline.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
