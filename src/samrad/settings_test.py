"""Settings for the test suite: the normal settings with a throwaway secret and fast password hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-use-anywhere-else")
os.environ.setdefault("DEBUG", "0")
# The test client and the live server speak plain http.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SAMRAD_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))

from samrad.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"  # noqa: F405
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
