"""The second test authorization server's addresses: django-oauth-toolkit under /o/ (its issuer
is http://127.0.0.1:PORT/o), as its documentation mounts it, and the rest a deployment adds."""

from django.contrib.auth.views import LoginView
from django.urls import include, path
from oauth2_provider.urls import metadata_urlpatterns

import record

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    # RFC 8414 §3.1: the metadata of an issuer with a path lives at the origin's
    # /.well-known/oauth-authorization-server followed by that path. DOT serves the document
    # itself; mounted only under /o/ it would answer at the issuer-suffixed form alone, so its
    # documentation asks deployments with a prefix to mount these patterns at the root as well.
    path("", include(metadata_urlpatterns)),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("test/token-requests", record.token_requests),
]
