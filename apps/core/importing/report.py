"""What an import reports: every bad cell by row, column header and a Chinese message."""

from __future__ import annotations

from dataclasses import dataclass, field

REPORT_ERROR_LIMIT = 1000  # errors kept in a stored report (a job result); the total is kept too
FILE_ROW = 0  # RowError.row of a problem with the whole file (size, format, headers …)


@dataclass
class RowError:
    row: int  # the spreadsheet row number (the header is row 1); 0 for the whole file
    column: str  # the column header, "" when the whole row or file is meant
    message: str  # Chinese; never echoes an ID, phone or account number

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RowPreview:
    """One row's outcome for the preview page: masked, never a full ID."""

    row: int
    name: str
    id_masked: str
    organization: str
    branch: str
    status: str
    ok: bool


@dataclass
class ImportReport:
    rows: int
    created: int
    errors: list[RowError]
    dry_run: bool
    previews: list[RowPreview] = field(default_factory=list)  # the first rows' outcomes (capped)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors if e.row != FILE_ROW})

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def as_dict(self, limit: int = REPORT_ERROR_LIMIT) -> dict:
        """JSON for a job's result: counts and the first ``limit`` errors."""
        return {
            "rows": self.rows,
            "created": self.created,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "bad_rows": self.bad_rows,
            "error_count": len(self.errors),
            "errors": [e.as_dict() for e in self.errors[:limit]],
            "errors_truncated": len(self.errors) > limit,
        }

    def lines(self, limit: int | None = None) -> list[str]:
        """The errors as Chinese text lines (the command's output)."""
        shown = self.errors if limit is None else self.errors[:limit]
        return [describe(e) for e in shown]


def describe(error: RowError) -> str:
    where = "文件" if error.row == FILE_ROW else f"第 {error.row} 行"
    column = f"【{error.column}】" if error.column else ""
    return f"{where}{column}：{error.message}"
