"""Writes to the organisation tree. Views, admin, API and commands call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.audit import audit_record
from apps.core.scoping import in_scope, scopes_disabled

from .enums import ALLOWED_CHILDREN, OrgKind
from .models import Cluster, Organization

EDITABLE_FIELDS = ("name", "short_name", "is_active")


def organization_check_child_kind(parent: Organization | None, kind: str) -> None:
    if parent is None:
        if kind != OrgKind.MUNICIPAL:
            raise ValidationError(_("只有市教育工会可以作为根节点。"))
        return
    if kind not in ALLOWED_CHILDREN.get(parent.kind, set()):
        raise ValidationError(
            _("“%(parent)s”下不能设立“%(kind)s”。")
            % {"parent": parent.name, "kind": OrgKind(kind).label}
        )


@transaction.atomic
def organization_create(
    *, parent: Organization | None, code: str, name: str, kind: str, short_name: str = "", actor=None
) -> Organization:
    """Add a unit under ``parent`` (which must be inside the actor's scope)."""
    if parent is not None and not in_scope(parent.path):
        raise ValidationError(_("上级单位不在您的管理范围内。"))
    organization_check_child_kind(parent, kind)
    code = code.strip().upper()
    with scopes_disabled():  # codes are unique city-wide; tree bookkeeping spans the tree
        if Organization.objects.filter(code=code).exists():
            raise ValidationError({"code": _("单位编码“%(code)s”已被使用。") % {"code": code}})
        fields = {"code": code, "name": name.strip(), "short_name": short_name.strip(), "kind": kind}
        if parent is None:
            org = Organization.objects.add_root(create_kwargs=fields)
        else:
            org = Organization.objects.add_child(Organization.objects.get(pk=parent.pk), create_kwargs=fields)
    audit_record(actor=actor, action="organization.create", target=org, data={"parent": parent and parent.code})
    return org


@transaction.atomic
def organization_update(*, organization: Organization, actor=None, **changes) -> Organization:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改字段：%s") % ", ".join(sorted(unknown)))
    org = Organization.objects.select_for_update(of=("self",)).get(pk=organization.pk)  # scoped: 404-safe
    before = {f: getattr(org, f) for f in changes}
    acting = getattr(actor, "acting", None)
    if changes.get("is_active") is False and org.is_active and acting is not None \
            and acting.organization_id == org.pk:
        raise ValidationError({"is_active": _("不能停用您当前代表的单位（停用后您将无法再管理它）。")})
    for field, value in changes.items():
        setattr(org, field, value)
    if before == {f: getattr(org, f) for f in changes}:
        return org
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor, action="organization.update", target=org,
        data={"before": before, "after": {f: getattr(org, f) for f in changes}},
    )
    return org


@transaction.atomic
def cluster_save(
    *, code: str, name: str, kind: str, lead: Organization, units: list[Organization], actor=None
) -> Cluster:
    """Create or update a cluster by code; the lead unit must be one of its members."""
    if lead not in units:
        raise ValidationError(_("组长单位必须是片组成员。"))
    not_grassroots = [u.name for u in units if not u.is_grassroots]
    if not_grassroots:
        raise ValidationError(_("片组成员必须是基层工会：%s") % "、".join(not_grassroots))
    with scopes_disabled():  # a cluster spans units of several subtrees (members checked above)
        cluster, created = Cluster.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "lead": lead}
        )
        cluster.units.set(units)
    audit_record(
        actor=actor, action="cluster.create" if created else "cluster.update", target=cluster,
        organization=lead, data={"units": sorted(u.code for u in units)},
    )
    return cluster
