"""Writes to an edition's structure: editions and their status (筹备中 → 报名中 → 评审中),
groups, stages, criteria, prize rules and bonuses, and units' quotas. Admin and API call
these; every write is audited. Publishing (评审中 → 结果已发布) is ``prizes.edition_publish``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import in_scope, scopes_disabled
from apps.organizations.models import Organization

from ..enums import EditionStatus, EntryKind
from ..models import Criterion, Edition, Group, PrizeBonus, PrizeRule, Stage, UnitQuota
from ..selectors import quota_used

# The edition's status moves (``edition_transition`` is the only writer). Publishing
# (评审中 → 结果已发布) takes the prizes service's ``edition_publish``, which writes the awards
# under the same lock.
EDITION_MOVES: dict[str, set[str]] = {
    EditionStatus.DRAFT: {EditionStatus.OPEN},
    EditionStatus.OPEN: {EditionStatus.JUDGING},
    EditionStatus.JUDGING: {EditionStatus.PUBLISHED},
    EditionStatus.PUBLISHED: set(),
}
MOVE_ACTIONS = {EditionStatus.OPEN: "edition.open", EditionStatus.JUDGING: "edition.close_registration",
                EditionStatus.PUBLISHED: "edition.publish"}
NOT_JUDGING = "只有“评审中”的届次才能发布结果，请先截止报名。"
PUBLISH_THROUGH_SERVICE = "发布结果须使用“发布结果”功能（生成奖项和证书）。"
STATUS_FIELDS = ("status", "published_at", "published_by")
PUBLISHED_LOCKED = "结果已发布的届次不能再修改赛制。"
NOT_GRASSROOTS = "单位名额只能分配给基层工会。"
OUT_OF_SCOPE = "单位不在您的管理范围内。"
TEAM_TOO_SMALL = "团队参赛的人数应不少于 2 人。"


def edition_check_fields(*, edition: Edition) -> None:
    errors: dict[str, list[str]] = {}
    if edition.registration_opens and edition.registration_closes and \
            edition.registration_closes <= edition.registration_opens:
        errors["registration_closes"] = ["报名截止时间应晚于报名开始时间。"]
    if edition.age_limit and not edition.age_cutoff:
        errors["age_cutoff"] = ["设置年龄上限时须填写年龄计算截止日。"]
    levels = [x.strip() for x in (edition.supervisor_award_levels or "").split(",") if x.strip()]
    if any(level not in ("first", "second", "third") for level in levels):
        errors["supervisor_award_levels"] = ["只能填写 first、second、third，用逗号分隔。"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def edition_save(*, edition: Edition, actor=None, participating_units=None,
                 organisation_award_units=None) -> Edition:
    """Create or edit an edition (city-wide data, the municipal admin's), audited. A new
    edition starts 筹备中; its status only moves through ``edition_transition``."""
    created = edition.pk is None
    edition_check_fields(edition=edition)
    if created:
        edition.status = EditionStatus.DRAFT  # the initial state of a new row (not a move)
        edition.save()
    else:
        current = Edition.objects.select_for_update(of=("self",)).get(pk=edition.pk)
        if current.status == EditionStatus.PUBLISHED:
            raise ValidationError(PUBLISHED_LOCKED)
        # an edit never writes the status (nor the publication): those are the transition's
        edition.save(update_fields=[f.name for f in Edition._meta.concrete_fields
                                    if not f.primary_key and f.name not in STATUS_FIELDS])
        edition.refresh_from_db(fields=list(STATUS_FIELDS))
    if participating_units is not None:
        edition.participating_units.set(participating_units)
    if organisation_award_units is not None:
        edition.organisation_award_units.set(organisation_award_units)
    audit_record(actor=actor, action="edition.create" if created else "edition.update", target=edition,
                 data={"name": edition.name, "number": edition.number, "year": edition.year})
    return edition


def group_check_fields(*, group: Group) -> None:
    """A team group takes at least 2 people (a team of one could never be completed: every
    invitation would fail). Every path that saves a group (admin, inline, API) runs this."""
    if group.entry_kind == EntryKind.TEAM and (group.team_size or 0) < 2:
        raise ValidationError({"team_size": [TEAM_TOO_SMALL]})


def _check_ready_to_open(edition: Edition) -> None:
    if not edition.groups.exists():
        raise ValidationError("请先设置至少一个组别，再开放报名。")
    if not edition.stages.exists():
        raise ValidationError("请先设置比赛轮次，再开放报名。")
    if edition.registration_closes <= edition.registration_opens:
        raise ValidationError("报名截止时间应晚于报名开始时间。")


@transaction.atomic
def edition_transition(*, edition: Edition, to: str, actor=None,
                       publish: Callable[[Edition], dict] | None = None) -> Edition:
    """筹备中 → 报名中 (开放报名) → 评审中 (截止报名) → 结果已发布 (发布结果): the one writer of
    an edition's status. Locks the row (only it), returns it unchanged when it already has
    ``to`` (a double click), refuses a move the table does not hold, re-checks, audits.
    Publishing needs ``publish(locked)`` — the prizes service's step that writes the awards
    under this lock and returns what the audit records."""
    edition = Edition.objects.select_for_update(of=("self",)).get(pk=edition.pk)
    if edition.status == to:
        return edition
    if to not in EDITION_MOVES.get(edition.status, set()):
        if to == EditionStatus.PUBLISHED:
            raise ValidationError(NOT_JUDGING)
        raise ValidationError(
            f"“{edition.get_status_display()}”的届次不能改为“{EditionStatus(to).label}”。")
    data: dict = {"from": edition.status, "to": to}
    fields = ["status"]
    if to == EditionStatus.OPEN:
        _check_ready_to_open(edition)
    if to == EditionStatus.PUBLISHED:
        if publish is None:
            raise ValidationError(PUBLISH_THROUGH_SERVICE)
        data.update(publish(edition) or {})
        edition.published_at, edition.published_by = timezone.now(), actor
        fields += ["published_at", "published_by"]
    edition.status = to
    edition.save(update_fields=fields)
    audit_record(actor=actor, action=MOVE_ACTIONS[to], target=edition, data=data)
    return edition


def edition_open(*, edition: Edition, actor=None) -> Edition:
    """开放报名 (筹备中 → 报名中)."""
    return edition_transition(edition=edition, to=EditionStatus.OPEN, actor=actor)


def edition_close(*, edition: Edition, actor=None) -> Edition:
    """截止报名，进入评审 (报名中 → 评审中)."""
    return edition_transition(edition=edition, to=EditionStatus.JUDGING, actor=actor)


def _edition_of(obj) -> Edition:
    if isinstance(obj, (Group, Stage, PrizeBonus)):
        return obj.edition
    if isinstance(obj, Criterion):
        return obj.stage.edition
    if isinstance(obj, (PrizeRule, UnitQuota)):
        return obj.group.edition
    raise TypeError(type(obj).__name__)


@transaction.atomic
def structure_save(*, obj: models.Model, actor=None) -> models.Model:
    """Save a group, stage, criterion, prize rule or bonus of an edition, audited. An
    edition whose results are published is locked."""
    edition = Edition.objects.select_for_update(of=("self",)).get(pk=_edition_of(obj).pk)
    if edition.status == EditionStatus.PUBLISHED:
        raise ValidationError(PUBLISHED_LOCKED)
    if isinstance(obj, PrizeRule) and (obj.ratio is None) == (obj.count is None):
        raise ValidationError({"ratio": ["比例和名额须填且只填一项。"]})
    if isinstance(obj, PrizeRule) and obj.ratio is not None and not 0 < obj.ratio <= 1:
        raise ValidationError({"ratio": ["比例应在 0 到 1 之间，如 0.15 表示前 15%。"]})
    if isinstance(obj, Group):
        group_check_fields(group=obj)
        if obj.entry_kind == EntryKind.INDIVIDUAL and obj.team_size != 1:
            obj.team_size = 1
    created = obj.pk is None
    obj.save()
    label = obj._meta.model_name
    audit_record(actor=actor, action=f"competition_{label}.{'create' if created else 'update'}", target=obj,
                 data={"edition": edition.pk, "repr": str(obj)[:100]})
    return obj


@transaction.atomic
def structure_delete(*, obj: models.Model, actor=None) -> None:
    edition = Edition.objects.select_for_update(of=("self",)).get(pk=_edition_of(obj).pk)
    if edition.status == EditionStatus.PUBLISHED:
        raise ValidationError(PUBLISHED_LOCKED)
    audit_record(actor=actor, action=f"competition_{obj._meta.model_name}.delete", target=obj,
                 data={"edition": edition.pk, "repr": str(obj)[:100]})
    obj.delete()


# --- unit quotas ---------------------------------------------------------------------


@transaction.atomic
def quota_set(*, group: Group, organization: Organization, quota: int, actor=None) -> UnitQuota:
    """Set how many entries a grassroots union may approve in a group (the municipal admin).

    The quota row is locked, so a concurrent approval counts against the old or the new
    value, never half of each. A quota below the entries already approved is refused."""
    if quota is None or int(quota) < 0:
        raise ValidationError({"quota": ["名额应为不小于 0 的整数。"]})
    quota = int(quota)
    if not organization.is_grassroots:
        raise ValidationError({"organization": [NOT_GRASSROOTS]})
    if not in_scope(organization.path):
        raise ValidationError({"organization": [OUT_OF_SCOPE]})
    edition = Edition.objects.select_for_update(of=("self",)).get(pk=group.edition_id)
    if edition.status == EditionStatus.PUBLISHED:
        raise ValidationError(PUBLISHED_LOCKED)
    row = (UnitQuota.objects.select_for_update(of=("self",))
           .filter(group=group, organization=organization).first())
    used = quota_used(group=group, organization=organization)
    if quota < used:
        raise ValidationError({"quota": [f"该单位在本组已审核通过 {used} 人，名额不能少于 {used}。"]})
    if row is not None and row.quota == quota:
        return row  # nothing to change (a double submit)
    before = row.quota if row is not None else None
    if row is None:
        row = UnitQuota.objects.create(group=group, organization=organization, quota=quota)
    else:
        row.quota = quota
        row.save(update_fields=["quota"])
    audit_record(actor=actor, action="competition_quota.set", target=row,
                 data={"group": group.pk, "from": before, "to": quota})
    return row


@transaction.atomic
def quota_delete(*, quota: UnitQuota, actor=None) -> None:
    used = quota_used(group=quota.group, organization=quota.organization)
    if used:
        raise ValidationError(f"该单位在本组已审核通过 {used} 人，不能删除名额。")
    audit_record(actor=actor, action="competition_quota.delete", target=quota,
                 data={"group": quota.group_id, "quota": quota.quota})
    quota.delete()


# --- copying an edition --------------------------------------------------------------


@transaction.atomic
def edition_copy(*, edition: Edition, number: int, year: int, name: str, actor=None,
                 registration_opens=None, registration_closes=None) -> Edition:
    """Start the next edition (筹备中) from this one's structure: groups, stages and criteria,
    prize rules, bonuses, quotas and participating units. Entries and results are not copied."""
    if Edition.objects.filter(series=edition.series, number=number).exists():
        raise ValidationError({"number": ["该赛事已有此届次。"]})
    fields = {f.name: getattr(edition, f.name) for f in Edition._meta.concrete_fields
              if f.name not in ("id", "status", "published_at", "published_by", "bonus_batch", "created_at",
                                "number", "year", "name")}
    if registration_opens is not None:
        fields["registration_opens"] = registration_opens
    if registration_closes is not None:
        fields["registration_closes"] = registration_closes
    if fields.get("age_cutoff") and year != edition.year:
        try:
            fields["age_cutoff"] = fields["age_cutoff"].replace(year=fields["age_cutoff"].year + year - edition.year)
        except ValueError:  # 29 February
            fields["age_cutoff"] = fields["age_cutoff"].replace(day=28, year=fields["age_cutoff"].year + year
                                                                - edition.year)
    new = Edition.objects.create(number=number, year=year, name=name, status=EditionStatus.DRAFT, **fields)
    with scopes_disabled():  # city-wide structure, copied as it is (the municipal admin's action)
        new.participating_units.set(edition.participating_units.all())
        new_groups: dict[int, Group] = {}
        for group in edition.groups.all():
            quotas = list(UnitQuota.objects.filter(group=group))
            rules = list(group.prize_rules.all())
            old_pk = group.pk
            group.pk = None
            group.edition = new
            group.save()
            new_groups[old_pk] = group
            for rule in rules:
                PrizeRule.objects.create(group=group, level=rule.level, ratio=rule.ratio, count=rule.count)
            UnitQuota.objects.bulk_create([UnitQuota(group=group, organization_id=q.organization_id, quota=q.quota)
                                           for q in quotas])
    for stage in edition.stages.all():
        criteria = list(stage.criteria.all())
        stage.pk = None
        stage.edition = new
        stage.save()
        Criterion.objects.bulk_create([Criterion(stage=stage, group=new_groups.get(c.group_id), name=c.name,
                                                 weight=c.weight, order=c.order, single_award_name=c.single_award_name)
                                       for c in criteria])
    PrizeBonus.objects.bulk_create([PrizeBonus(edition=new, kind=b.kind, level=b.level, amount=b.amount)
                                    for b in edition.bonuses.all()])
    audit_record(actor=actor, action="edition.copy", target=new, data={"from": edition.pk, "name": name})
    return new
