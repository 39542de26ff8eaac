"""
Fixtures every test shares: people of each role, signed-in clients, private file storage in a temporary
folder, and Celery in the mode the run asks for.
"""
import pytest
from django.core.cache import cache

from accounts.models import Role, User
from corporate_parenting.celery import app as celery_app

ROLES = tuple(Role)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """
    Marks ``flushes`` the tests that empty the database when they end (transactional tests and the live
    server's): what the migrations wrote (beat schedules, for one) is gone after them. A plain run orders them
    last (pytest-django does); bin/test, which spreads the suite over processes a file at a time, runs them
    in a pass of their own after the others.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        if transactional or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("flushes")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path, request):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False  # the test client and live server speak plain HTTP
    # force_login signs in without a second factor: tests of other things do not ask for one. The tests of
    # two-factor sign-in (tests/accounts/test_two_factor.py, tests/e2e) and the permission matrix turn it on.
    settings.TWO_FACTOR_REQUIRED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if request.node.get_closest_marker("dfe_rules") is None:
        # The DfE's rule engine takes seconds even for a small return: only the tests about it run it (and the
        # worker tests' real worker, whose settings are its own).
        settings.DFE_RULES_PYTHON = ""
    if request.node.get_closest_marker("worker") is None:
        # Files go to a folder of this test's own; a real worker (worker tests) needs the shared folder.
        settings.STORAGES["default"] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        }


@pytest.fixture(autouse=True)
def _empty_cache():
    """
    Pages cache their HTML by version tokens held in the database (``core.stamps``, the cohort's version). A
    test's rollback takes those tokens back too, so each test starts with an empty cache.
    """
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """
    Tests run Celery tasks in-process, except those marked ``worker``: when CELERY_BROKER_URL is set those
    send their tasks to the real worker that .ci/run starts, and fail if none answers.
    """
    eager_before = celery_app.conf.task_always_eager
    if request.node.get_closest_marker("worker") is None:
        celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager_before


@pytest.fixture
def broker_down(monkeypatch):
    """
    Celery pointed at a port nothing listens on, as when Redis is down: sending a task fails at once with
    kombu's OperationalError (no retries). The project's own Celery app is current again afterwards.
    """
    from celery import Celery

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it to any app's own setting
    unreachable = Celery("broker-down", broker="redis://127.0.0.1:1/0")
    unreachable.conf.task_publish_retry = False
    unreachable.conf.broker_transport_options = {"max_retries": 0}
    unreachable.set_current()
    yield unreachable
    celery_app.set_current()


@pytest.fixture
def celery_worker(request, transactional_db):
    """For ``@pytest.mark.worker`` tests: returns "eager" (no broker set) or "worker" (a real worker answered)."""
    if request.node.get_closest_marker("worker") is None:
        raise RuntimeError("Mark the test with @pytest.mark.worker to use the celery_worker fixture.")
    if celery_app.conf.task_always_eager:
        return "eager"
    replies = celery_app.control.ping(timeout=5)
    assert replies, "CELERY_BROKER_URL is set but no Celery worker answered; .ci/run starts one."
    return "worker"


def give_second_factor(client, user):
    """
    ``user`` has an authenticator app, and ``client``'s session has given a code from it (as after signing in
    with one). Returns the app (its ``bin_key`` makes codes: ``django_otp.oath.totp(device.bin_key)``).
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(role=Role.OFFICER, **fields):
        counter["n"] += 1
        fields.setdefault("username", f"{role}-{counter['n']}")
        fields.setdefault("first_name", "Test")
        fields.setdefault("last_name", f"{Role(role).label} {counter['n']}")
        fields.setdefault("email", f"{fields['username']}@council.example")
        user = User(role=role, **fields)
        user.set_password("a-long-test-password")
        user.save()
        return user

    return make


@pytest.fixture
def client_for(client, make_user):
    """``client_for(Role.OFFICER)`` returns a test client signed in as a new person with that role."""

    def sign_in(role, **fields):
        user = make_user(role, **fields)
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    client.user = officer
    return client


@pytest.fixture
def own_worker(celery_worker, tmp_path):
    """
    For tests that stop a worker mid-job (PostgreSQL run only): ``own_worker.start()`` starts a real Celery
    worker (prefork, one process) on a queue of this test's own, on the test database; ``own_worker.kill()``
    kills it and its process outright, as when its machine stops. Every wait is bounded, and whatever is
    still running is killed at the end.
    """
    if celery_worker == "eager":
        pytest.skip("needs a real broker and worker (the PostgreSQL run of .ci/run)")
    from .workers import OwnWorker

    worker = OwnWorker(tmp_path / "worker.log")
    yield worker
    worker.kill()

