from django.db import models
from django.utils.translation import gettext_lazy as _


class TitleLevel(models.TextChoices):
    NATIONAL = "national", _("全国级")
    MUNICIPAL = "municipal", _("北京市级")


class HolderKind(models.TextChoices):
    PERSON = "person", _("个人")
    COLLECTIVE = "collective", _("集体")


class HonourStatus(models.TextChoices):
    ON_ROLL = "on_roll", _("在册")
    DECEASED = "deceased", _("去世")
    REVOKED = "revoked", _("撤销")
    MOVED_OUT = "moved_out", _("迁出")


# The only status moves allowed. Death and revocation are final; a move out can be undone.
HONOUR_STATUS_MOVES = {
    HonourStatus.ON_ROLL: {HonourStatus.DECEASED, HonourStatus.REVOKED, HonourStatus.MOVED_OUT},
    HonourStatus.MOVED_OUT: {HonourStatus.ON_ROLL, HonourStatus.DECEASED, HonourStatus.REVOKED},
    HonourStatus.DECEASED: set(),
    HonourStatus.REVOKED: set(),
}


class ActivityKind(models.TextChoices):
    """Model workers' activities without places. Recuperation trips (疗休养) are activities of
    the activities engine (apps/activities: places, eligibility, draw); migration
    activities.0002 moved the old trip rows there."""

    LECTURE_TOUR = "lecture_tour", _("宣讲团")
    INTO_SCHOOLS = "into_schools", _("劳模工匠进校园")
    MUTUAL_AID = "mutual_aid", _("专项互助保障")


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RECOMMENDED = "recommended", _("基层已推荐")
    INITIAL_APPROVED = "initial_approved", _("市级初审通过")
    RETURNED = "returned", _("退回")
    NOTICE = "notice", _("公示中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未通过")


# The review cascade: the only moves ``nomination_transition`` allows. A returned nomination
# goes back to its unit, which corrects it and recommends it again; approval and rejection are final.
NOMINATION_MOVES = {
    NominationStatus.DRAFT: {NominationStatus.RECOMMENDED},
    NominationStatus.RETURNED: {NominationStatus.RECOMMENDED},
    NominationStatus.RECOMMENDED: {NominationStatus.INITIAL_APPROVED, NominationStatus.RETURNED},
    NominationStatus.INITIAL_APPROVED: {NominationStatus.NOTICE, NominationStatus.REJECTED},
    NominationStatus.NOTICE: {NominationStatus.APPROVED, NominationStatus.REJECTED},
    NominationStatus.APPROVED: set(),
    NominationStatus.REJECTED: set(),
}
