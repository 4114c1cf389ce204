"""Starts the test OpenID Connect provider: migrates its SQLite database, creates the client
and the users given in OIDC_TEST_SETUP (JSON: client_id, client_secret, redirect_uri, users
[{username, email, password, verified}]) and serves on 127.0.0.1:<port> until killed."""

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(port: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from django.contrib.auth.models import User
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    setup = json.loads(os.environ["OIDC_TEST_SETUP"])
    for person in setup["users"]:
        User.objects.create_user(
            person["username"],
            person["email"],
            person["password"],
            last_name="" if person.get("verified", True) else "unverified",
        )
    Application.objects.create(
        name="portal",
        client_id=setup["client_id"],
        client_secret=setup["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=setup["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
