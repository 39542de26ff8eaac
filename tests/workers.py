"""A real Celery worker of a test's own, which the test can kill (see the ``own_worker`` fixture)."""
from corporate_parenting.celery import app as celery_app


class OwnWorker:
    def __init__(self, log_path):
        import socket
        import uuid

        self.queue = f"kill-test-{uuid.uuid4().hex[:8]}"
        self.hostname = f"{self.queue}@{socket.gethostname()}"
        self.log_path = log_path
        self.process = None

    def start(self, timeout=60, **environment):
        """Start the worker (``environment``: settings of its own, e.g. REPORT_SOFT_TIME_LIMIT="1")."""
        import os
        import subprocess
        import sys
        import time
        from pathlib import Path

        from django.db import connection

        database = connection.settings_dict
        credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        environment = {
            **os.environ,
            **environment,
            "DATABASE_URL": f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        }
        root = Path(__file__).resolve().parent.parent
        command = [
            str(Path(sys.executable).parent / "celery"), "-A", "corporate_parenting", "worker", "--pool=prefork",
            "--concurrency=1", "-Q", self.queue, f"--hostname={self.hostname}", "--without-gossip",
            "--without-mingle", "--loglevel=INFO",
        ]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the worker exited:\n{self.log_path.read_text()[-3000:]}"
            if celery_app.control.ping(destination=[self.hostname], timeout=1):
                return
        raise AssertionError(f"the worker did not answer within {timeout} s:\n{self.log_path.read_text()[-3000:]}")

    def send(self, task, *args, options=None, **kwargs):
        return task.apply_async(args, kwargs, queue=self.queue, **(options or {}))

    def kill(self):
        import os
        import signal

        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the worker and its pool process, without warning
            self.process.wait(timeout=30)
        self.process = None


def wait_until(condition, what, seconds=90, every=0.02):
    """Poll ``condition`` until it returns something true, for at most ``seconds``."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"gave up after {seconds} s waiting for {what}")
