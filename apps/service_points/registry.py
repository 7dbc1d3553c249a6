"""Writes to the service-point registry: points, their recognitions and grants, photos.
Every write checks the unit lies in the actor's subtree and is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.uploads import check_image, original_name, random_name

from .models import PointPhoto, Recognition, ServicePoint
from .services import _check_unit, _user

PHOTO_MAX_BYTES = 5 * 1024 * 1024
STAFF_HOME_TITLE = "市教育工会先进教职工小家"  # the municipal union's yearly recognition of a home


@transaction.atomic
def service_point_save(*, point: ServicePoint, actor=None) -> ServicePoint:
    if point.organization_id is None:
        raise ValidationError({"organization": ["请选择所属单位。"]})
    _check_unit(point.organization)
    created = point.pk is None
    point.full_clean()
    point.save()
    audit_record(actor=_user(actor), action="service_points.point_create" if created else
                 "service_points.point_change", target=point, data={"kind": point.kind})
    return point


@transaction.atomic
def recognition_save(*, recognition: Recognition, actor=None) -> Recognition:
    """A recognition or grant of a point (year, level, title, amount); one per point, year
    and title — saving the same again changes it."""
    if recognition.amount is not None and recognition.amount < 0:
        raise ValidationError({"amount": ["金额不能为负数。"]})
    recognition.full_clean()
    recognition.save()
    audit_record(actor=_user(actor), action="service_points.recognition_save", target=recognition.point,
                 data={"year": recognition.year, "title": recognition.title, "amount": str(recognition.amount)})
    return recognition


@transaction.atomic
def point_photo_add(*, point: ServicePoint, upload, actor=None) -> PointPhoto:
    kind = check_image(upload, max_bytes=PHOTO_MAX_BYTES)
    photo = PointPhoto(point=point, original_name=original_name(upload, kind), uploaded_by=_user(actor))
    photo.file.save(random_name(kind), upload, save=False)
    photo.save()
    audit_record(actor=_user(actor), action="service_points.photo_add", target=point, data={"photo": photo.pk})
    return photo
