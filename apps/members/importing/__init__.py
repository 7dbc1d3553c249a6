"""Excel import of members: the template, the safe reader and the all-or-nothing import.

Public interface (the admin, the command and the Celery job use only this)::

    import_members_file(source, *, organization, actor=None, dry_run=False, progress=None) -> ImportReport
    write_template(target)
"""

from .columns import write_template
from .report import FILE_ROW, ImportReport, RowError, RowPreview
from .service import import_members_file
from .sheet import MAX_ROWS, MAX_UPLOAD_BYTES, SheetError

__all__ = ["FILE_ROW", "MAX_ROWS", "MAX_UPLOAD_BYTES", "ImportReport", "RowError", "RowPreview", "SheetError",
           "import_members_file", "write_template"]
