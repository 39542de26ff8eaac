"""
Starts the test's OpenID Connect provider: ``python -m tests.accounts.oidc_provider.serve`` with, in the
environment, PROVIDER_DATABASE (a file), PROVIDER_CLIENT (JSON: client_id, client_secret, redirect_uri) and
PROVIDER_PEOPLE (JSON: a list of username, password, email, name, groups). Prints the port it listens on
(127.0.0.1), then serves until it is ended.
"""
import json
import os
import sys


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.accounts.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for person in json.loads(os.environ["PROVIDER_PEOPLE"]):
        first, _, last = person.get("name", "").partition(" ")
        user = User.objects.create_user(person["username"], person["email"], person["password"], first_name=first, last_name=last)
        for group in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = json.loads(os.environ["PROVIDER_CLIENT"])
    Application.objects.create(
        name="Corporate Parenting Board", client_id=client["client_id"], client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"], algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
    )

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
