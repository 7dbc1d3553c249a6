"""Staff admin for competitions, in parts: the structure of editions with the preview and
publish buttons (admin_structure, admin_publish), entries and quotas (admin_entries),
judges and score sheets (admin_judging), results (admin_results)."""

from . import admin_entries, admin_judging, admin_results, admin_structure  # noqa: F401  (register)
