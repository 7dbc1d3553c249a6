"""Writes to the honour roll. Admin and API call these; every write is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import in_scope, scopes_disabled
from apps.core.uploads import check_document, original_name, random_name
from apps.members.models import Member
from apps.organizations.models import Organization

from .enums import HONOUR_STATUS_MOVES, NOMINATION_MOVES, HolderKind, HonourStatus, NominationStatus
from .models import (
    Activity,
    Honour,
    HonourTitle,
    Nomination,
    NominationCampaign,
    NominationObjection,
    NominationQuota,
)

EDITABLE = ("year", "certificate_no", "notes")
FIRST_YEAR = 1950
CERTIFICATE_TAKEN = "该称号下已有相同证书编号。"
ALREADY_AWARDED = "该会员本年度已登记此称号。"
QUOTA_FULL = "本单位本次评选的推荐名额已用完。"
NO_QUOTA = "本单位没有本次评选的推荐名额。"
ALREADY_NOMINATED = "被推荐人已在本次评选中被推荐。"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_year(year) -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError({"year": [f"授予年度应在 {FIRST_YEAR} 年至今年之间。"]})


def _holder(title: HonourTitle, member: Member | None, collective_name: str,
            organization: Organization | None) -> tuple[Member | None, str, Organization]:
    """Persons hold person titles, named collectives of a unit hold collective titles."""
    collective_name = (collective_name or "").strip()
    if title.holder_kind == HolderKind.PERSON:
        if member is None or collective_name:
            raise ValidationError({"member": ["个人称号应选择一名会员，不填集体名称。"]})
        organization = member.organization
    else:
        if member is not None or not collective_name:
            raise ValidationError({"collective_name": ["集体称号应填写集体名称，不选择会员。"]})
        if organization is None:
            raise ValidationError({"organization": ["请选择集体所属单位。"]})
    if not in_scope(organization.path):
        raise ValidationError({"organization": ["所属单位不在您的管理范围内。"]})
    return member, collective_name, organization


def _check_unique(honour: Honour) -> None:
    """City-wide uniqueness (the message never says who holds the value)."""
    with scopes_disabled():  # uniqueness is city-wide (the message never names the holder)
        others = Honour.objects.exclude(pk=honour.pk).filter(title_id=honour.title_id)
        if honour.certificate_no and others.filter(certificate_no=honour.certificate_no).exists():
            raise ValidationError({"certificate_no": [CERTIFICATE_TAKEN]})
        if honour.member_id and others.filter(member_id=honour.member_id, year=honour.year).exists():
            raise ValidationError({"member": [ALREADY_AWARDED]})


def _unique_error(exc: IntegrityError) -> ValidationError:
    if "certificate" in str(exc):
        return ValidationError({"certificate_no": [CERTIFICATE_TAKEN]})
    return ValidationError({"member": [ALREADY_AWARDED]})


@transaction.atomic
def honour_create(*, title: HonourTitle, year: int, actor=None, member: Member | None = None,
                  collective_name: str = "", organization: Organization | None = None, certificate_no: str = "",
                  notes: str = "") -> Honour:
    if not title.is_active:
        raise ValidationError({"title": ["该称号已停用。"]})
    _check_year(year)
    member, collective_name, organization = _holder(title, member, collective_name, organization)
    honour = Honour(title=title, year=year, member=member, collective_name=collective_name,
                    organization=organization, certificate_no=(certificate_no or "").strip(),
                    notes=notes or "", created_by=_user(actor))
    _check_unique(honour)  # friendly messages first; the database has the last word
    try:
        with transaction.atomic():
            honour.save()
    except IntegrityError as exc:  # a concurrent registration won
        raise _unique_error(exc) from exc
    audit_record(actor=actor, action="honour.create", target=honour,
                 data={"title": title.code, "year": year, "certificate_no": honour.certificate_no})
    return honour


@transaction.atomic
def honour_update(*, honour: Honour, actor=None, **changes) -> Honour:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError("不能修改字段：" + "、".join(sorted(unknown)))
    if "year" in changes:
        _check_year(changes["year"])
    honour = Honour.objects.select_for_update(of=("self",)).get(pk=honour.pk)  # scoped: outside → DoesNotExist
    changed = {f: v for f, v in changes.items() if getattr(honour, f) != v}
    if not changed:
        return honour
    for field, value in changed.items():
        setattr(honour, field, value.strip() if isinstance(value, str) and field == "certificate_no" else value)
    _check_unique(honour)
    try:
        with transaction.atomic():
            honour.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:
        raise _unique_error(exc) from exc
    audit_record(actor=actor, action="honour.update", target=honour, data={"fields": sorted(changed)})
    return honour


@transaction.atomic
def honour_change_status(*, honour: Honour, to_status: str, actor=None, reason: str = "") -> Honour:
    """The one way a status changes: allowed moves only, row locked, audited; a repeat is a no-op."""
    if to_status not in HonourStatus.values:
        raise ValidationError({"status": ["未知状态。"]})
    honour = Honour.objects.select_for_update(of=("self",)).get(pk=honour.pk)
    if honour.status == to_status:
        return honour
    if to_status not in HONOUR_STATUS_MOVES[honour.status]:
        raise ValidationError({"status": [
            f"不能从“{honour.get_status_display()}”改为“{HonourStatus(to_status).label}”。"]})
    from_status = honour.status
    honour.status = to_status
    honour.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="honour.status", target=honour,
                 data={"from": from_status, "to": to_status, "reason": reason})
    return honour


@transaction.atomic
def activity_save(*, activity: Activity, actor=None, participants=None) -> Activity:
    """Create or edit an activity (the admin form's fields), audited."""
    if not in_scope(activity.organization.path):
        raise ValidationError({"organization": ["组织单位不在您的管理范围内。"]})
    created = activity.pk is None
    activity.save()
    if participants is not None:
        activity.participants.set(participants)
    audit_record(actor=actor, action="honour_activity.create" if created else "honour_activity.update",
                 target=activity, data={"kind": activity.kind, "date": activity.date.isoformat()})
    return activity


def quota_used(*, campaign: NominationCampaign, organization: Organization) -> int:
    """Nominations a unit has submitted in a campaign (what counts against its quota)."""
    return Nomination.objects.filter(campaign=campaign, organization=organization).count()


@transaction.atomic
def nomination_submit(*, campaign: NominationCampaign, title: HonourTitle, deed_summary: str, actor=None,
                      member: Member | None = None, collective_name: str = "",
                      organization: Organization | None = None, lock: bool = True) -> Nomination:
    """A grassroots union nominates a member (or a named collective of the unit).

    The unit's quota row is locked (``SELECT … FOR UPDATE``) before counting, so two clerks
    submitting the last place at once are served one after the other: the second sees the
    first's nomination and is refused. ``lock=False`` exists only for the race test's control
    run, which shows the quota being exceeded without the lock.
    """
    today = timezone.localdate()
    if not campaign.opens_on <= today <= campaign.closes_on:
        raise ValidationError({"campaign": ["不在本次评选的推荐时间内。"]})
    if not campaign.titles.filter(pk=title.pk).exists():
        raise ValidationError({"title": ["本次评选不含该称号。"]})
    if not (deed_summary or "").strip():
        raise ValidationError({"deed_summary": ["请填写主要事迹。"]})
    member, collective_name, organization = _holder(title, member, collective_name, organization)
    if not organization.is_grassroots:
        raise ValidationError({"organization": ["推荐单位应为基层工会。"]})
    quotas = NominationQuota.objects.filter(campaign=campaign, organization=organization)
    if lock:
        quotas = quotas.select_for_update(of=("self",))
    quota = quotas.first()
    if quota is None:
        raise ValidationError({"organization": [NO_QUOTA]})
    if quota_used(campaign=campaign, organization=organization) >= quota.quota:
        raise ValidationError({"organization": [QUOTA_FULL]})
    with scopes_disabled():  # a person is one resident ID, whichever unit nominates them
        taken = Nomination.objects.filter(campaign=campaign)
        taken = (taken.filter(member__id_hash=member.id_hash) if member is not None
                 else taken.filter(organization=organization, collective_name=collective_name))
        if taken.exists():
            raise ValidationError({"member" if member else "collective_name": [ALREADY_NOMINATED]})
    nomination = Nomination(campaign=campaign, title=title, organization=organization, member=member,
                            collective_name=collective_name, deed_summary=deed_summary.strip(),
                            submitted_by=_user(actor))
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:  # the same nominee submitted concurrently
        raise ValidationError({"member" if member else "collective_name": [ALREADY_NOMINATED]}) from exc
    audit_record(actor=actor, action="nomination.submit", target=nomination,
                 data={"campaign": campaign.pk, "title": title.code})
    return nomination


def _today():
    return timezone.localdate()


NEEDS_REASON = "退回时请填写原因。"
NEEDS_NOTICE_DATES = "公示须填写开始和结束日期。"
NOTICE_NOT_OVER = "公示期尚未结束，不能批准。"


@transaction.atomic
def nomination_transition(*, nomination: Nomination, to: str, actor=None, reason: str = "",
                          notice_start=None, notice_end=None) -> Nomination:
    """The one way a nomination moves through the review cascade (``NOMINATION_MOVES``):
    row locked, allowed moves only, audited. 退回 needs a reason; 公示中 needs the notice's
    start and end dates (not in the past); 已批准 only once the notice has ended, and puts the
    honour on the roll through ``honour_create`` in the same transaction."""
    if to not in NominationStatus.values:
        raise ValidationError({"status": ["未知状态。"]})
    nomination = (Nomination.objects.select_for_update(of=("self",))  # scoped: outside → DoesNotExist
                  .select_related("campaign", "title", "organization", "member").get(pk=nomination.pk))
    current = NominationStatus(nomination.status)
    if to not in NOMINATION_MOVES[current]:
        raise ValidationError({"status": [f"不能从“{current.label}”改为“{NominationStatus(to).label}”。"]})
    reason = (reason or "").strip()
    today = _today()
    fields = ["status", "updated_at"]
    data = {"from": current.value, "to": to}
    if to == NominationStatus.RETURNED:
        if not reason:
            raise ValidationError({"reason": [NEEDS_REASON]})
        nomination.return_reason = reason
        fields.append("return_reason")
    elif to == NominationStatus.NOTICE:
        if notice_start is None or notice_end is None:
            raise ValidationError({"notice_start": [NEEDS_NOTICE_DATES]})
        if notice_start < today:
            raise ValidationError({"notice_start": ["公示开始日期不能早于今天。"]})
        if notice_end < notice_start:
            raise ValidationError({"notice_end": ["公示结束日期不能早于开始日期。"]})
        nomination.notice_start, nomination.notice_end = notice_start, notice_end
        fields += ["notice_start", "notice_end"]
        data.update(notice_start=notice_start.isoformat(), notice_end=notice_end.isoformat())
    elif to == NominationStatus.APPROVED:
        if not today > nomination.notice_end:
            raise ValidationError({"status": [NOTICE_NOT_OVER]})
        nomination.honour = honour_create(
            title=nomination.title, year=nomination.campaign.year, actor=actor, member=nomination.member,
            collective_name=nomination.collective_name, organization=nomination.organization,
            notes=f"经{nomination.campaign.name}推荐评选批准。")
        fields.append("honour")
        data["honour"] = nomination.honour.pk
    if reason:
        data["reason"] = reason
    nomination.status = to
    nomination.save(update_fields=fields)
    audit_record(actor=actor, action="nomination.transition", target=nomination, data=data)
    return nomination


@transaction.atomic
def nomination_record_objection(*, nomination: Nomination, text: str, actor=None, date=None) -> NominationObjection:
    """An objection received during the public notice, audited."""
    if not (text or "").strip():
        raise ValidationError({"text": ["请填写异议内容。"]})
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
    if nomination.status != NominationStatus.NOTICE:
        raise ValidationError({"status": ["只能在公示期间记录异议。"]})
    objection = NominationObjection.objects.create(nomination=nomination, text=text.strip(),
                                                   recorded_by=_user(actor), date=date or _today())
    audit_record(actor=actor, action="nomination.objection", target=nomination,
                 data={"objection": objection.pk, "date": objection.date.isoformat()})
    return objection


@transaction.atomic
def campaign_save(*, campaign: NominationCampaign, actor=None, titles=None) -> NominationCampaign:
    """Create or edit a nomination campaign (city-wide data, the municipal admin's), audited."""
    if campaign.opens_on and campaign.closes_on and campaign.closes_on < campaign.opens_on:
        raise ValidationError({"closes_on": ["截止推荐日期不能早于开始推荐日期。"]})
    created = campaign.pk is None
    campaign.save()
    if titles is not None:
        campaign.titles.set(titles)
    audit_record(actor=actor, action="nomination_campaign.create" if created else "nomination_campaign.update",
                 target=campaign, data={"year": campaign.year, "name": campaign.name})
    return campaign


def campaign_quota_summary(*, campaign: NominationCampaign, organization: Organization | None) -> dict | None:
    """A unit's quota in a campaign: places, used and left (None when it has none)."""
    if organization is None:
        return None
    row = NominationQuota.objects.filter(campaign=campaign, organization=organization).first()
    if row is None:
        return None
    used = quota_used(campaign=campaign, organization=organization)
    return {"quota": row.quota, "used": used, "left": max(row.quota - used, 0)}


@transaction.atomic
def quota_save(*, quota: NominationQuota, actor=None) -> NominationQuota:
    """Set a unit's places in a campaign (the municipal admin), audited."""
    if not quota.organization.is_grassroots:
        raise ValidationError({"organization": ["推荐名额只能分配给基层工会。"]})
    if not in_scope(quota.organization.path):
        raise ValidationError({"organization": ["单位不在您的管理范围内。"]})
    created = quota.pk is None
    quota.save()
    audit_record(actor=actor, action="nomination_quota.create" if created else "nomination_quota.update",
                 target=quota, data={"campaign": quota.campaign_id, "quota": quota.quota})
    return quota


MATERIAL_MAX_BYTES = 10 * 1024 * 1024


MATERIAL_STATUSES = (NominationStatus.DRAFT, NominationStatus.RETURNED)


@transaction.atomic
def material_add(*, nomination: Nomination, upload, actor=None):
    """Attach a supporting document to a draft or returned nomination, audited."""
    from .models import NominationMaterial

    kind = check_document(upload, max_bytes=MATERIAL_MAX_BYTES)
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)  # scoped
    if nomination.status not in MATERIAL_STATUSES:
        raise ValidationError({"status": ["只能为草稿或被退回的推荐上传材料。"]})
    name = original_name(upload, kind)
    material = NominationMaterial(nomination=nomination, name=name, kind=kind, size=upload.size,
                                  uploaded_by=_user(actor))
    material.file.save(random_name(kind), upload, save=False)
    material.save()
    audit_record(actor=actor, action="nomination.material", target=nomination,
                 data={"material": material.pk, "kind": kind, "size": material.size})
    return material


@transaction.atomic
def honour_set_residence(*, honour: Honour, resides_in_beijing: bool, actor=None) -> int:
    """Mark whether a holder lives in Beijing (常住北京). Residence belongs to the person, so
    every honour of the same person (same resident ID) within the acting scope is marked;
    a collective's honour alone. Rows locked, audited; returns the honours changed."""
    honour = Honour.objects.select_for_update(of=("self",)).get(pk=honour.pk)  # scoped: outside → DoesNotExist
    same = (Honour.objects.filter(member__id_hash=honour.member.id_hash) if honour.member_id
            else Honour.objects.filter(pk=honour.pk))
    ids = list(same.exclude(resides_in_beijing=resides_in_beijing).select_for_update(of=("self",))
               .values_list("pk", flat=True))
    if not ids:
        return 0
    Honour.objects.filter(pk__in=ids).update(resides_in_beijing=resides_in_beijing, updated_at=timezone.now())
    audit_record(actor=actor, action="honour.residence", target=honour,
                 data={"resides_in_beijing": resides_in_beijing, "honours": ids})
    return len(ids)
