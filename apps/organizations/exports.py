"""The organisation tree as an Excel workbook (written by a Celery job)."""

from __future__ import annotations

import tempfile

from django.core.files import File

from apps.core.excel import SafeXlsxWriter

from .enums import OrgKind
from .models import Organization

HEADERS = ("单位编码", "名称", "简称", "类型", "上级单位编码", "层级", "启用")
CHUNK = 200


def write_organizations_xlsx(job, progress) -> dict:
    """Export every unit the job's scope sees; attach the file to the job."""
    units = Organization.objects.order_by("path")  # scoped by job_run to the job's unit
    total = units.count()
    progress(0, total)
    parents = dict(units.values_list("path", "code"))
    kinds = dict(OrgKind.choices)
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        writer = SafeXlsxWriter(handle, sheet="组织架构", headers=HEADERS, text_columns=(0, 4))
        for index, org in enumerate(units.iterator(chunk_size=CHUNK), start=1):
            parent_code = parents.get(org.path[: -org.steplen], "") if org.depth > 1 else ""
            writer.write_row(
                (org.code, org.name, org.short_name, kinds.get(org.kind, org.kind), parent_code, org.depth,
                 org.is_active)
            )
            if index % CHUNK == 0:
                progress(index, total)
        writer.close()
        handle.seek(0)
        job.result_file.save(f"organizations-{job.organization.code}.xlsx", File(handle), save=False)
    progress(total, total)
    return {"rows": total}
