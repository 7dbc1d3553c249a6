"""Start the web server and a Celery worker together; Ctrl-C or SIGTERM stops both."""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.core.demo_summary import summary_lines


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the worker gets SIGTERM if runportal itself is killed outright (kill -9)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the portal (runserver) and a Celery worker on the configured broker."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if addrport.isdigit():
            addrport = f"127.0.0.1:{addrport}"
        broker = settings.CELERY_BROKER_URL
        # SIGTERM (to runportal, or forwarded by make) ends the server like Ctrl-C, so the finally below runs.
        signal.signal(signal.SIGTERM, _interrupt)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "union_portal", "worker",
             "--loglevel=INFO", "--pool=solo", "--without-gossip", "--without-mingle",
             # the default queue and the payments sweeper's own queue (settings.CELERY_TASK_QUEUES)
             "-Q", f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.CELERY_PAYMENTS_SWEEP_QUEUE}"],
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        try:
            where = "embedded filesystem broker" if broker.startswith("filesystem") else broker.split("@")[-1]
            self.stdout.write(self.style.SUCCESS(
                f"\n门户已启动：http://{addrport}/  （管理后台 /admin/，API 文档 /api/docs/）"))
            self.stdout.write(f"后台任务 worker：pid {worker.pid}，{where}")
            self.stdout.write("演示数据：")
            for line in summary_lines():
                self.stdout.write(f"  {line}")
            self.stdout.write("按 Ctrl-C 同时停止网站和 worker。\n")
            self.stdout.flush()
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
