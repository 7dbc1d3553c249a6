"""Celery tasks of the members app (Celery autodiscovers this module).

Each long job lives in its own module; importing it here registers its task.
"""
# --- import jobs (owned by importing) ---
# --- export jobs (owned by exporting) ---
