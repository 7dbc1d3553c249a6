"""Start the web server and a Celery worker together; Ctrl-C stops both."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the portal (runserver) and a Celery worker on the configured broker."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        broker = settings.CELERY_BROKER_URL
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "union_portal", "worker",
             "--loglevel=INFO", "--pool=solo", "--without-gossip", "--without-mingle",
             # the default queue and the payments sweeper's own queue (settings.CELERY_TASK_QUEUES)
             "-Q", f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.CELERY_PAYMENTS_SWEEP_QUEUE}"],
        )
        where = "embedded filesystem broker" if broker.startswith("filesystem") else broker.split("@")[-1]
        self.stdout.write(self.style.SUCCESS(f"\n门户已启动：http://{addrport}/  （管理后台 /admin/，API 文档 /api/docs/）"))
        self.stdout.write(f"后台任务 worker：pid {worker.pid}，{where}")
        self.stdout.write("演示账号见上方 seed_demo 输出；按 Ctrl-C 同时停止网站和 worker。\n")
        try:
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
