"""
The production smoke test that .ci/run runs: gunicorn with production settings (DJANGO_DEBUG=0, the static
files' manifest that the Dockerfile's collectstatic builds, PostgreSQL, Redis as the cache), a demo council,
and every URL of the permission matrix (tests/test_permission_matrix.py) requested as each role and as an
anonymous visitor, over plain HTTP from 127.0.0.1 with the header a TLS-terminating proxy sends
(X-Forwarded-Proto: https). Everyone signs in through the sign-in form. Any 5xx, or an answer other than the
matrix's rule, fails the run; so does a stylesheet, script or image of the pages that is not served.

Pages added to the URL configuration are covered as soon as they have their rule in the matrix.

Needs DATABASE_URL (an empty database of its own, which this fills), CACHE_URL, PRIVATE_MEDIA_ROOT, and
the static files already collected (.ci/run does it as the Dockerfile does).
"""
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "cpb.council.example"
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": HOST,
    "SITE_URL": f"https://{HOST}",
    "DJANGO_SETTINGS_MODULE": "corporate_parenting.settings",
}
REQUEST_TIMEOUT = 60  # seconds for one page; the first build of a dashboard computes every measure


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A person's browser behind the council's proxy: keeps its cookies (Secure ones included) by hand."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "User-Agent": "cpb-production-smoke"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{path}",
            })
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or 'expires=thu, 01 jan 1970' in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, response.headers, content.decode("utf-8", "replace")

    def sign_in(self, username, password, app_key):
        """The password, then a code from the person's authenticator app (TWO_FACTOR_REQUIRED is on)."""
        from django.urls import reverse
        from django_otp.oath import totp

        login = reverse("login")
        status, _, page = self.request("GET", login)
        assert status == 200, f"the sign-in page answered {status}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the sign-in page has no CSRF token"
        status, headers, _ = self.request(
            "POST", login, {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise AssertionError(f"{username} could not sign in: {status} {headers.get('Location')}")
        verify = reverse("two_factor_verify")
        status, headers, _ = self.request("GET", reverse("dashboards:home"))
        if not (status == 302 and headers.get("Location", "").startswith(verify)):
            raise AssertionError(f"{username} was not asked for a second factor: {status} {headers.get('Location')}")
        status, _, page = self.request("GET", verify)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        status, headers, _ = self.request(
            "POST", verify, {"csrfmiddlewaretoken": token.group(1), "code": f"{totp(app_key):06d}"}
        )
        if status != 302 or headers.get("Location", "").startswith(verify):
            raise AssertionError(f"{username}'s second factor was refused: {status} {headers.get('Location')}")


def prepare_the_council():
    """Migrate the empty database and load the demo council, with what the permission matrix needs."""
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    sys.path.insert(0, str(ROOT))
    from tests.security import demo as matrix_demo

    call_command("migrate", "--noinput", verbosity=0)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    with transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        matrix_demo._add_a_built_board_pack_and_a_schedule()
        matrix_demo._add_a_document_to_an_approved_evaluation()
        # Everyone has an authenticator app whose key the smoke test holds, and signs in with its codes.
        return {
            username: TOTPDevice.objects.create(
                user=User.objects.get(username=username), name="Authenticator app", confirmed=True
            ).bin_key
            for username in matrix_demo.DEMO_PERSON.values()
        }


def planned_requests():
    """(url name, path, {role: expected}) for every URL in the matrix."""

    from tests import test_permission_matrix as matrix
    from tests.security.demo import ANONYMOUS, DEMO_PERSON

    missing = [name for name in matrix.URL_NAMES if name not in matrix.RULES]
    assert not missing, f"URLs with no rule in the permission matrix: {missing}"
    plan = []
    for name in matrix.URL_NAMES:
        for rule in matrix.rules_for(name):  # one object of each kind the URL serves
            path = matrix.url_of(name, rule)
            expected = {role: (rule.expected(role),) for role in [*DEMO_PERSON, ANONYMOUS]}
            if rule.ok == 405:  # a POST-only action: a GET may be refused as the wrong method before the role check
                expected = {role: (*answers, 405) for role, answers in expected.items()}
            plan.append((f"{name} {rule.kind}".strip(), path, expected))
    return plan


def start_gunicorn(port, log):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "corporate_parenting.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", str(REQUEST_TIMEOUT + 30),
        "--access-logfile", "-", "--error-logfile", "-",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering; see its log above")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def stop(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wrong_answer(status, headers, acceptable):
    from django.urls import reverse

    if status >= 500:
        return f"server error {status}"
    to_sign_in = status == 302 and headers.get("Location", "").startswith(reverse("login"))
    if status in acceptable or ("login" in acceptable and to_sign_in):
        return None
    wanted = " or ".join("a redirect to sign in" if answer == "login" else str(answer) for answer in acceptable)
    return f"expected {wanted}, got {status} {headers.get('Location', '')}"


def check_static(browser, page):
    """Every stylesheet, script and image a page links to is served, by its hashed manifest name."""
    problems = []
    for path in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))):
        status, _, content = browser.request("GET", unescape(path))
        if status != 200:
            problems.append(f"{path}: {status}")
        elif path.endswith(".css"):
            for inner in re.findall(r'url\("?(\.\./[^")]+|/static/[^")]+)"?\)', content):
                target = inner if inner.startswith("/") else os.path.normpath(os.path.join(os.path.dirname(path), inner))
                inner_status, _, _ = browser.request("GET", target)
                if inner_status != 200:
                    problems.append(f"{target} (from {path}): {inner_status}")
    if not re.search(r'href="/static/[^"]+\.[0-9a-f]{12}\.css"', page):
        problems.append("the page's stylesheet is not the manifest's hashed name: the manifest is not in use")
    return problems


def main():
    os.environ.update(PRODUCTION)
    for needed in ("DATABASE_URL", "CACHE_URL", "PRIVATE_MEDIA_ROOT"):
        if not os.environ.get(needed):
            sys.exit(f"FAIL: {needed} must be set")
    started = time.monotonic()
    app_keys = prepare_the_council()
    print(f"Production smoke: demo council ready in {time.monotonic() - started:.0f} s")

    from accounts.demo import DEMO_PASSWORD
    from tests.security.demo import ANONYMOUS, DEMO_PERSON

    plan = planned_requests()
    port = free_port()
    log_path = Path(os.environ.get("SMOKE_LOG", "/tmp/cpb-production-smoke.log"))
    failures = []
    requests = 0
    with log_path.open("w") as log:
        server = start_gunicorn(port, log)
        try:
            browsers = {ANONYMOUS: Browser(port)}
            for role, username in DEMO_PERSON.items():
                browsers[role] = Browser(port)
                browsers[role].sign_in(username, DEMO_PASSWORD, app_keys[username])
            for role, browser in browsers.items():
                static_checked = False
                for name, path, expected in plan:
                    status, headers, page = browser.request("GET", path)
                    requests += 1
                    problem = wrong_answer(status, headers, expected[role])
                    if problem:
                        failures.append(f"{role} GET {path} ({name}): {problem}")
                    elif status == 200 and not static_checked and "text/html" in headers.get("Content-Type", ""):
                        failures.extend(f"{role} static {p}" for p in check_static(browser, page))
                        static_checked = True
                    if status == 200 and "Strict-Transport-Security" not in headers:
                        failures.append(f"{role} GET {path}: no Strict-Transport-Security header")
        finally:
            stop(server)
    if failures:
        print(log_path.read_text()[-6000:])
    print(f"Production smoke: {requests} requests as {len(DEMO_PERSON)} roles and anonymous, "
          f"{len(plan)} URLs, {time.monotonic() - started:.0f} s")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("Production smoke: every page answered as its rule says; no server error.")


if __name__ == "__main__":
    main()
