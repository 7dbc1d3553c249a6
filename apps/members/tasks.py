"""Celery tasks of the members app (Celery autodiscovers this module).

Each long job lives in its own module; importing it here registers its task.
"""
# --- import jobs (owned by importing) ---
from .import_jobs import import_members_job  # noqa: E402,F401
# --- export jobs (owned by exporting) ---
from .export_jobs import export_members  # noqa: E402,F401
