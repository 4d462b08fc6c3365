"""The second test authorization server: django-oauth-toolkit (DOT), an implementation
independent of oidc-provider, with its defaults, on 127.0.0.1.

    python3 -I -B server.py --packages DIR --data DIR --password PASSWORD

--packages is where .ci/install-deps put DOT and its pinned packages (pip --target); --data an
empty folder of the test's own for the SQLite database; --password alice's. It binds a port of
its own choosing, creates the user and the clients the tests need, prints one JSON line
(issuer and clients, with their secrets: for the test that started it, on its pipe), and serves
until its stdin closes.
"""

import argparse
import json
import os
import secrets
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--password", required=True)
    return parser.parse_args()


def rsa_key():
    """A fresh key for the ID tokens' signatures (RS256)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def confidential(name, client_id=None, secret=None):
    """A client for the client credentials grant; its ID made by DOT unless given."""
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import Application

    secret = secret or generate_client_secret()
    app = Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed when saved, as DOT keeps every secret
    )
    if client_id:
        app.client_id = client_id
    app.save()
    return {"client_id": app.client_id, "client_secret": secret}


def public(user):
    """A native app signing in on a loopback redirect URI, any port (RFC 8252 §7.3)."""
    from oauth2_provider.models import Application

    app = Application.objects.create(
        name="native",
        user=user,
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://127.0.0.1/callback",
        algorithm=Application.RS256_ALGORITHM,
    )
    return {"client_id": app.client_id}


def set_up(password):
    """The database, the user alice and the clients the tests use."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.generators import generate_client_id

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    alice = User.objects.create_user("alice", password=password)
    return {
        "basic": confidential("basic"),
        # A secret with every character that form and Basic encodings must escape.
        "post": confidential("post", secret=secrets.token_urlsafe(12) + " %+:&=?#/;'\"\\é"),
        # DOT's generator never starts an ID with "-"; base64url generators do, 1 time in 64.
        "dash": confidential("dash", client_id="-" + generate_client_id()[1:]),
        "public": public(alice),
    }


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    options = arguments()
    here = Path(__file__).resolve().parent
    sys.path[:0] = [str(here), options.packages]
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    os.environ["AUTHSERVER_DOT_DATABASE"] = str(Path(options.data) / "db.sqlite3")
    os.environ["AUTHSERVER_DOT_RSA_KEY"] = rsa_key()

    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    clients = set_up(options.password)
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=Server, handler_class=QuietHandler
    )
    port = server.server_address[1]
    ready = {"issuer": f"http://127.0.0.1:{port}/o", "clients": clients}
    print(json.dumps(ready), flush=True)

    def stop_when_stdin_closes():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
