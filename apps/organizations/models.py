from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import GRASSROOTS_KINDS, ClusterKind, CommitteeKind, CongressKind, OrgKind


class Organization(ScopedModelMixin, MP_Node):
    """A union unit. The materialised ``path`` makes a subtree one indexed prefix query."""

    steplen = 4
    node_order_by = None

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=24, choices=OrgKind.choices)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="path", base=MP_NodeManager)  # treebeard's, scoped

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    def grassroots_path(self) -> str:
        """Path of the grassroots union this unit belongs to (itself, or its ancestor)."""
        if self.kind in (OrgKind.BRANCH, OrgKind.GROUP):
            return self.path[: 2 * self.steplen]
        return self.path


class Committee(ScopedModelMixin, models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="committees", verbose_name=_("所属工会")
    )
    kind = models.CharField(_("委员会"), max_length=16, choices=CommitteeKind.choices)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("委员会")
        verbose_name_plural = _("委员会")
        ordering = ["organization__path", "kind", "-term_start"]

    def __str__(self) -> str:
        return f"{self.organization.short_name or self.organization.name} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("任期结束日期不能早于开始日期。")})
        if self.organization_id and not self.organization.is_grassroots:
            raise ValidationError({"organization": _("委员会只能设在基层工会。")})


class CommitteeMember(ScopedModelMixin, models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("委员会")
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=30, default="委员")
    start_date = models.DateField(_("任职开始"), null=True, blank=True)
    end_date = models.DateField(_("任职结束"), null=True, blank=True)

    objects = ScopedManager(path="committee__organization__path")

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"


class Congress(ScopedModelMixin, models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="congresses", verbose_name=_("单位")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=CongressKind.choices)
    session = models.CharField(_("届次"), max_length=40, help_text=_("如：第五届第三次"))
    date = models.DateField(_("召开日期"))
    delegates = models.PositiveIntegerField(_("代表人数"))
    resolutions = models.TextField(_("决议"), blank=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("代表大会")
        verbose_name_plural = _("代表大会")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.session}"


class Cluster(ScopedModelMixin, models.Model):
    """A 片组: a peer group of grassroots unions with a lead unit ("1+N" model)."""

    code = models.CharField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=16, choices=ClusterKind.choices)
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_clusters", verbose_name=_("组长单位")
    )
    units = models.ManyToManyField(Organization, related_name="clusters", verbose_name=_("成员单位"))

    objects = ScopedManager(path="units__path", many=True)

    class Meta:
        verbose_name = _("片组")
        verbose_name_plural = _("片组")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
