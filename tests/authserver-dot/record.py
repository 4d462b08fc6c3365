"""What each token request the server received sent, for the tests to read at
/test/token-requests (as tests/authserver/server.js keeps for oidc-provider): the grant, how the
client authenticated, and the answer's status. No secret is kept."""

import json
import threading

from django.http import JsonResponse
from django.urls import reverse

_lock = threading.Lock()
_requests = []


def _auth_method(request):
    if request.META.get("HTTP_AUTHORIZATION", "").startswith("Basic "):
        return "client_secret_basic"
    if "client_secret" in request.POST:
        return "client_secret_post"
    return "none"


class TokenRequests:
    """Middleware noting each request to the token endpoint."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path != reverse("oauth2_provider:token"):
            return self.get_response(request)
        noted = {
            "grant_type": request.POST.get("grant_type"),
            "auth_method": _auth_method(request),
            "scope": request.POST.get("scope"),
        }
        response = self.get_response(request)
        noted["status"] = response.status_code
        if response.status_code != 200:
            try:
                noted["error"] = json.loads(response.content).get("error")
            except ValueError:
                noted["error"] = None  # not an OAuth error body
        with _lock:
            _requests.append(noted)
        return response


def token_requests(request):
    with _lock:
        return JsonResponse(list(_requests), safe=False)
