"""Excel import of members: the template and the all-or-nothing import (the safe reader, upload
store, admin flow and report are the shared ``apps.core.importing``).

Public interface (the admin, the command and the Celery job use only this)::

    import_members_file(source, *, organization, actor=None, dry_run=False, progress=None) -> ImportReport
    write_template(target)
"""

from .columns import write_template
from apps.core.importing.report import FILE_ROW, ImportReport, RowError, RowPreview
from .service import import_members_file
from apps.core.importing.sheet import MAX_ROWS, MAX_UPLOAD_BYTES, SheetError

__all__ = ["FILE_ROW", "MAX_ROWS", "MAX_UPLOAD_BYTES", "ImportReport", "RowError", "RowPreview", "SheetError",
           "import_members_file", "write_template"]
