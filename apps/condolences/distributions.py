"""Goods (慰问品): each unit's distribution list of a campaign, the receipts per person
(ticked in the page or the API) and the signed sheet (an uploaded scan; it confirms every
person of the list not yet confirmed). Each confirmation is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.uploads import check_document, original_name, random_name

from .models import Distribution, Grant

SHEET_MAX_BYTES = 20 * 1024 * 1024


def distribution_confirm(*, distribution: Distribution, grant_ids, actor) -> int:
    """Mark the given people of the list as having received their goods (once: a person
    already confirmed is left alone). Returns how many were confirmed now."""
    ids = [int(i) for i in grant_ids]
    with transaction.atomic():
        locked = Distribution.objects.select_for_update(of=("self",)).get(pk=distribution.pk)  # scoped
        foreign = set(ids) - set(Grant.objects.filter(distribution=locked, pk__in=ids).values_list("pk", flat=True))
        if foreign:
            raise ValidationError({"grants": [f"不属于本清单的记录：{sorted(foreign)[:10]}"]})
        count = Grant.objects.filter(distribution=locked, pk__in=ids, received_at__isnull=True).update(
            received_at=timezone.now())
        audit_record(actor=actor, action="condolences.distribution.confirm", target=locked,
                     organization=locked.unit, data={"count": count, "ids": ids[:50]})
    return count


def distribution_upload_sheet(*, distribution: Distribution, upload, actor) -> int:
    """Store the signed sheet (PDF/DOCX, checked by content) and confirm everyone not yet confirmed."""
    suffix = check_document(upload, max_bytes=SHEET_MAX_BYTES, field="file")
    name = original_name(upload, suffix)
    upload.seek(0)
    content = ContentFile(upload.read(), name=random_name(suffix))
    with transaction.atomic():
        locked = Distribution.objects.select_for_update(of=("self",)).get(pk=distribution.pk)
        locked.signed_sheet.save(content.name, content, save=False)
        locked.signed_sheet_name = name
        locked.save(update_fields=["signed_sheet", "signed_sheet_name"])
        count = Grant.objects.filter(distribution=locked, received_at__isnull=True).update(received_at=timezone.now())
        audit_record(actor=actor, action="condolences.distribution.signed_sheet", target=locked,
                     organization=locked.unit, data={"count": count, "file": name})
    return count
