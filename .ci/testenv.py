"""Choose the services for a test or benchmark run, say which, then exec the command.

PostgreSQL when DATABASE_URL is set or a server answers on 127.0.0.1:5432, else SQLite;
Redis when CELERY_BROKER_URL is set or a server answers on 127.0.0.1:6379, else kombu's
filesystem broker. With REQUIRE_SERVICES=1 (CI) a missing service is an error, never a
silent fallback.
"""

from __future__ import annotations

import os
import socket
import sys


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def main() -> None:
    env = os.environ
    if not env.get("DATABASE_URL") and answers(5432):
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/union_portal"
    if not env.get("CELERY_BROKER_URL") and answers(6379):
        env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/15"
    # Parallel runs on one machine (two checkouts, a benchmark beside the suite) get their own
    # test database and queue; pytest-django drops the database at the end of the run.
    env.setdefault("TEST_DATABASE_NAME", f"test_union_portal_{os.getpid()}")
    env.setdefault("CELERY_QUEUE", f"tests-{os.getpid()}")
    database = env.get("DATABASE_URL", "")
    broker = env.get("CELERY_BROKER_URL", "")
    if env.get("REQUIRE_SERVICES") == "1" and not (database.startswith("postgres") and broker.startswith("redis")):
        sys.exit(f"REQUIRE_SERVICES=1 but database={database or 'SQLite'} broker={broker or 'filesystem'}")
    print(f"database: {'PostgreSQL ' + database.split('@')[-1] if database.startswith('postgres') else 'SQLite (embedded)'}")
    print(f"broker:   {'Redis ' + broker.split('@')[-1] if broker.startswith('redis') else 'filesystem (embedded)'}")
    sys.stdout.flush()
    os.execvp(sys.argv[1], sys.argv[1:])


if __name__ == "__main__":
    main()
