"""Django settings of the second test authorization server (see server.py): django-oauth-toolkit
with its defaults, OpenID Connect on, on loopback. server.py sets the environment read here."""

import os
import secrets
from pathlib import Path

from django.contrib.auth.hashers import PBKDF2PasswordHasher

HERE = Path(__file__).resolve().parent

SECRET_KEY = secrets.token_urlsafe(32)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
USE_TZ = True
ROOT_URLCONF = "urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "record.TokenRequests",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["AUTHSERVER_DOT_DATABASE"],
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/accounts/login/"


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's own PBKDF2 with fewer rounds: DOT hashes client secrets with it, and the default
    million rounds would cost a third of a second on every client authentication."""

    iterations = 1000


PASSWORD_HASHERS = ["settings.QuickPBKDF2PasswordHasher"]

# Everything else is django-oauth-toolkit's default: PKCE required, refresh tokens rotated
# with no grace period, loopback redirect URIs on 127.0.0.1 matched on any port (RFC 8252).
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["AUTHSERVER_DOT_RSA_KEY"],
    "SCOPES": {
        "openid": "Sign you in",
        "profile": "See your name",
        "read": "Read your things",
        "write": "Change your things",
    },
}

# The database is new at every start: its tables are made from the models directly, which takes
# a tenth of the time that running every migration does.
MIGRATION_MODULES = {app: None for app in ["auth", "contenttypes", "sessions", "oauth2_provider"]}
