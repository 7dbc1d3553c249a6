"""`manage.py runportal PORT`: serves on the port, prints what the demo holds (from the data),
and SIGTERM stops the web server and its Celery worker together."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from tests.payments.test_kill import database_url

pytestmark = [pytest.mark.services, pytest.mark.worker]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait(predicate, what: str, log, limit: float = 90):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen; output:\n{log()}")


def test_runportal_sigterm_stops_the_worker_too(transactional_db, tree, tmp_path):
    port = _free_port()
    out = tmp_path / "runportal.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE, "DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    with open(out, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "manage.py", "runportal", str(port)], cwd=settings.BASE_DIR,
                                env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    log = lambda: out.read_text(encoding="utf-8", errors="replace")  # noqa: E731
    try:
        worker_pid = int(_wait(lambda: re.search(r"worker：pid (\d+)", log()), "worker start", log).group(1))

        def serving():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status == 200
            except OSError:
                return False

        _wait(serving, f"serving on port {port}", log)
        assert _alive(worker_pid)
        text = log()
        assert f"http://127.0.0.1:{port}/" in text
        assert "单位：8 个" in text  # the test tree's units, counted from the data
        assert "会员：0 人" in text and "发放批次：0 个" in text and "赛事届次：0 届" in text

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) is not None
        # runportal reaped its worker before exiting: the pid is gone, not orphaned.
        _wait(lambda: not _alive(worker_pid), "worker exit", log, limit=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
