"""
Backup and restore as a council's IT team runs them (bin/backup, bin/restore): a backup restored into an
empty database and folder has every record and every file again. PostgreSQL only (pg_dump and pg_restore),
so it runs in the PostgreSQL run of .ci/run.
"""
import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bin/backup and bin/restore are for PostgreSQL (the PostgreSQL run)"
)


def _url(name):
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings['HOST']}:{settings['PORT']}/{name}"


def _row_counts(url):
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as database:
        tables = [row[0] for row in database.execute(
            "select tablename from pg_tables where schemaname = 'public' order by tablename")]
        return {table: database.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}


def _files(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in Path(folder).rglob("*") if path.is_file()
    }


def _run(script, *arguments, **environment):
    return subprocess.run(
        [str(ROOT / "bin" / script), *map(str, arguments)], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **environment}, timeout=300,
    )


def test_a_backup_restored_into_an_empty_database_has_every_record_and_file(transactional_db, settings, tmp_path):
    from children import services, synthetic
    from accounts.models import Role, User

    officer = User.objects.create_user("officer-backup", role=Role.OFFICER, email="o@council.example")
    services.load_reference_data()
    with tempfile.TemporaryDirectory() as folder:
        written = synthetic.write_cohort(folder, children=30, last_year=2025, years=1, seed=5)
        result = services.import_files(year=2025, paths=written[2025], user=officer)
    assert result.status == result.Status.SUCCEEDED
    private = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert _files(private), "the import keeps its files in the private folder"

    source = _url(connection.settings_dict["NAME"])
    backup = tmp_path / "backup"
    made = _run("backup", backup, DATABASE_URL=source, PRIVATE_MEDIA_ROOT=str(private))
    assert made.returncode == 0, made.stderr

    restored_name = f"{connection.settings_dict['NAME']}_restored"
    subprocess.run(["dropdb", "--if-exists", "-h", connection.settings_dict["HOST"], "-U",
                    connection.settings_dict["USER"], restored_name], check=True)
    subprocess.run(["createdb", "-h", connection.settings_dict["HOST"], "-U", connection.settings_dict["USER"],
                    restored_name], check=True)
    try:
        target, restored_files = _url(restored_name), tmp_path / "restored-private"
        done = _run("restore", backup, DATABASE_URL=target, PRIVATE_MEDIA_ROOT=str(restored_files))
        assert done.returncode == 0, done.stderr

        counts = _row_counts(target)
        assert counts == _row_counts(source)
        assert counts["children_child"] == result.counts["header"] > 0 and counts["auditlog_logentry"] > 0
        assert _files(restored_files) == _files(private)

        # A second restore into the same (now full) database is refused, and changes nothing.
        again = _run("restore", backup, DATABASE_URL=target, PRIVATE_MEDIA_ROOT=str(tmp_path / "elsewhere"))
        assert again.returncode == 1 and "not empty" in again.stderr
        assert _row_counts(target) == counts
    finally:
        subprocess.run(["dropdb", "--if-exists", "-h", connection.settings_dict["HOST"], "-U",
                        connection.settings_dict["USER"], restored_name], check=True)

    # A damaged backup is refused before anything is touched.
    with (backup / "database.dump").open("ab") as dump:
        dump.write(b"damage")
    damaged = _run("restore", backup, DATABASE_URL=target, PRIVATE_MEDIA_ROOT=str(tmp_path / "other"))
    assert damaged.returncode == 1 and "damaged" in damaged.stderr
