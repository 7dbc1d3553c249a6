from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    MUNICIPAL = "municipal", _("市教育工会")
    UNIVERSITY = "university", _("高等学校工会")
    DISTRICT = "district", _("区（燕山）教育工会")
    AFFILIATED = "affiliated", _("直属单位工会")
    HOSPITAL = "hospital", _("高校附属医院工会")
    PRIVATE_FEDERATION = "private_federation", _("民办学校行业工会联合会")
    BRANCH = "branch", _("分工会")
    GROUP = "group", _("工会小组")


GRASSROOTS_KINDS = (
    OrgKind.UNIVERSITY,
    OrgKind.DISTRICT,
    OrgKind.AFFILIATED,
    OrgKind.HOSPITAL,
    OrgKind.PRIVATE_FEDERATION,
)

# Which kind of unit may sit under which: the tree's shape, checked by the services.
ALLOWED_CHILDREN = {
    OrgKind.MUNICIPAL: set(GRASSROOTS_KINDS),
    **{kind: {OrgKind.BRANCH, OrgKind.GROUP} for kind in GRASSROOTS_KINDS},
    OrgKind.BRANCH: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}


class CommitteeKind(models.TextChoices):
    UNION = "union", _("工会委员会")
    FUNDS_AUDIT = "funds_audit", _("经费审查委员会")
    WOMEN = "women", _("女工委员会")


class CongressKind(models.TextChoices):
    UNION = "union", _("工会会员代表大会（工代会）")
    STAFF = "staff", _("教职工代表大会（教代会）")


class ClusterKind(models.TextChoices):
    UNIVERSITY = "university", _("高校片组")
    DISTRICT = "district", _("区教育工会片组")
