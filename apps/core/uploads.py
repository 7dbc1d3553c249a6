"""Uploaded documents (PDF / DOCX) and photos (JPEG / PNG): checked by content and size, stored
under random names.

Used by nomination materials, competition entries and service points' photos. Files live under MEDIA_ROOT, outside
the web root, and are only ever served by permission-checked views as attachments.
"""

from __future__ import annotations

import secrets
import zipfile

from django.core.exceptions import ValidationError

DOCUMENT_BAD_TYPE = "只能上传 PDF 或 Word（.docx）文件。"


def sniff_document(upload, *, field: str = "file") -> str:
    """The file's type by its content, not its name: a PDF starts with ``%PDF-``; a DOCX is
    a zip archive holding ``word/document.xml``. Anything else is refused."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        finally:
            upload.seek(0)
    raise ValidationError({field: [DOCUMENT_BAD_TYPE]})


def check_document(upload, *, max_bytes: int, field: str = "file") -> str:
    """Size cap first (cheap), then the content check; returns ``"pdf"`` or ``"docx"``."""
    if upload.size > max_bytes:
        raise ValidationError({field: [f"文件不能超过 {_size_label(max_bytes)}。"]})
    return sniff_document(upload, field=field)


IMAGE_BAD_TYPE = "只能上传 JPEG 或 PNG 图片。"


def sniff_image(upload, *, field: str = "file") -> str:
    """A photo's type by its content: JPEG (``FF D8 FF``) or PNG (its 8-byte signature)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head[:3] == b"\xff\xd8\xff":
        return "jpg"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    raise ValidationError({field: [IMAGE_BAD_TYPE]})


def check_image(upload, *, max_bytes: int, field: str = "file") -> str:
    """Size cap first, then the content check; returns ``"jpg"`` or ``"png"``."""
    if upload.size > max_bytes:
        raise ValidationError({field: [f"图片不能超过 {_size_label(max_bytes)}。"]})
    return sniff_image(upload, field=field)


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} 字节"


def random_name(kind: str) -> str:
    """A stored file name that says nothing about its owner or its original name."""
    return f"{secrets.token_hex(16)}.{kind}"


def original_name(upload, kind: str) -> str:
    """The name the user gave the file (without any path), for the download's file name."""
    return ((getattr(upload, "name", "") or f"document.{kind}").replace("\\", "/").rsplit("/", 1)[-1])[:200]
