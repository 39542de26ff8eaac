"""A council's production settings must pass Django's deployment checks."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings(tmp_path):
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7#kq2!v9zP@m4Lr8sWn3&cYt6^bHe1uJf5gDa0oQiXwR2tY8uI0pLk",
        DJANGO_ALLOWED_HOSTS="cpb.council.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", [None, "", "django-insecure-development-key-only-for-local-use-never-in-production"])
@pytest.mark.parametrize(
    "start", [["manage.py", "check"], ["-c", "from corporate_parenting.wsgi import application"]], ids=["manage", "wsgi"]
)
def test_production_refuses_to_start_without_a_secret_key_of_its_own(tmp_path, secret, start):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    if secret is not None:
        environment["DJANGO_SECRET_KEY"] = secret
    result = subprocess.run([sys.executable, *start], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set, or is the development key" in result.stderr


def test_a_developer_may_use_the_development_key_with_debug_on(tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
