"""
Load: gunicorn with production settings (DJANGO_DEBUG=0, one worker process per core) on PostgreSQL and
Redis, each role signed in through the sign-in form, and a bounded concurrent client (``--connections``
at once for ``--seconds`` per page) driving the role dashboards, the measures list, a measure page and a
meeting page, each beside a trivial signed-in page served by the same processes, measured again just before
it (on a shared machine the load moves within a run). It prints requests per second, p50/p95/p99 latency and
errors per page, and the machine's load average at the start and the end.

    createdb -h 127.0.0.1 -U postgres cpb_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench_load CACHE_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/load.py

Goal (issue 16): every page at least half the trivial page's throughput, p99 under 250 ms, no errors.
The cohort is bench/dashboards.py's (5,000 children through the real import), built once and reused.
"""
import argparse
import importlib.util
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))


def _module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _smoke():
    """The production smoke test's browser (cookies, the proxy's headers, the sign-in form): one copy."""
    return _module("production_smoke", ROOT / ".ci" / "production_smoke.py")


def drive(smoke, port, cookies, path, connections, seconds):
    """``connections`` clients requesting ``path`` back to back for ``seconds``: latencies and errors."""
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        browser = smoke.Browser(port)
        browser.cookies = dict(cookies)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, _, _ = browser.request("GET", path)
            except OSError as error:
                status = repr(error)
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return len(latencies) / elapsed, sorted(latencies), errors


def _authenticator_key(username):
    """The person's authenticator app (production asks everyone who has one for a code after the password)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    device, _ = TOTPDevice.objects.get_or_create(
        user=User.objects.get(username=username), name="Authenticator app (bench)", defaults={"confirmed": True}
    )
    return device.bin_key


def _load():
    """The machine's load average over 1, 5 and 15 minutes, beside its cores: a busy machine slows every page."""
    return f"{' / '.join(f'{value:.1f}' for value in os.getloadavg())} on {os.cpu_count()} cores"


def percentile(ordered, fraction):
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    options = parser.parse_args()
    for needed in ("DATABASE_URL", "CACHE_URL"):
        if not os.environ.get(needed, "").startswith(("postgres", "redis")):
            raise SystemExit(f"Set {needed} (PostgreSQL and Redis, as production runs): see the docstring.")

    import django

    django.setup()
    from django.core.management import call_command
    from django.urls import reverse

    from accounts.demo import DEMO_PASSWORD
    from accounts.models import User
    from boards.models import Meeting
    from measures.registry import MEASURES

    dashboards_bench = _module("bench_dashboards", ROOT / "bench" / "dashboards.py")  # the same cohort

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if not User.objects.filter(username="chief.executive").exists():
        dashboards_bench.build(options.children, options.years, options.year, seed=4)
    meeting = Meeting.objects.order_by("-starts_at").first()
    pages = [
        ("Trivial page", "chief.executive", "/bench/trivial/"),
        ("Chief executive's dashboard", "chief.executive", reverse("dashboards:chief_executive")),
        ("Councillor's dashboard", "cllr.okafor", reverse("dashboards:councillor")),
        ("Officer's dashboard", "officer.lindqvist", reverse("dashboards:officer")),
        ("Measures list", "officer.lindqvist", reverse("measures:measure_list")),
        ("A measure's page", "officer.lindqvist", reverse("measures:measure_detail", args=[MEASURES[0].identifier])),
        ("A meeting's page", "officer.lindqvist", reverse("boards:meeting_detail", args=[meeting.pk])),
    ]

    smoke = _smoke()
    port = smoke.free_port()
    environment = {**os.environ, **smoke.PRODUCTION, "DJANGO_SETTINGS_MODULE": "bench.load_settings",
                   "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "corporate_parenting.wsgi", "--workers", str(options.workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=environment,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                smoke.Browser(port).request("GET", reverse("login"))
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.5)
        sessions = {}
        for _, username, _ in pages:
            if username not in sessions:
                browser = smoke.Browser(port)
                browser.sign_in(username, DEMO_PASSWORD, _authenticator_key(username))
                sessions[username] = browser.cookies
        print(f"gunicorn: {options.workers} worker processes; {options.connections} connections for "
              f"{options.seconds:.0f} s per page; {User.objects.count()} people; PostgreSQL and Redis; "
              f"machine load {_load()} at the start\n")
        print(f"{'Page':<30}{'req/s':>8}{'x trivial':>11}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
        trivial_label, trivial_user, trivial_path = pages[0]
        results, ratios = {}, {}
        for label, username, path in pages[1:]:
            # The trivial page again just before each page: on a shared machine the load moves within a run,
            # so each page is compared with the trivial page measured beside it.
            for shown, who, where in ((trivial_label, trivial_user, trivial_path), (label, username, path)):
                warm = smoke.Browser(port)  # warm: each worker process has its connection, the cache its pages
                warm.cookies = dict(sessions[who])
                for _ in range(options.workers * 2):
                    warm.request("GET", where)
                rate, ordered, errors = drive(smoke, port, sessions[who], where, options.connections, options.seconds)
                results[shown if shown != trivial_label else f"{trivial_label} (before {label})"] = (rate, ordered, errors)
                if shown == trivial_label:
                    trivial = rate
                else:
                    ratios[label] = rate / trivial
                name = shown if shown != trivial_label else f"  {trivial_label}"
                print(f"{name:<30}{rate:>8.1f}{rate / trivial:>10.2f}x{percentile(ordered, .5):>9.0f}"
                      f"{percentile(ordered, .95):>9.0f}{percentile(ordered, .99):>9.0f}{len(errors):>8}")
        met = all(ratio >= 0.5 for ratio in ratios.values()) and all(
            percentile(ordered, .99) < 250 and not errors for _, ordered, errors in results.values()
        )
        worst = min(ratios.values())
        print(f"\nMachine load at the end: {_load()} (the figures are only comparable within one run)")
        print(f"Goal (each page at least 0.5x the trivial page's throughput, p99 under 250 ms, no errors): "
              f"{'met' if met else 'NOT met'} (lowest {worst:.2f}x; median p99 "
              f"{statistics.median(percentile(o, .99) for _, o, _ in results.values()):.0f} ms)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
