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
    LECTURE_TOUR = "lecture_tour", _("宣讲团")
    RECUPERATION = "recuperation", _("疗休养")
    INTO_SCHOOLS = "into_schools", _("劳模工匠进校园")
    MUTUAL_AID = "mutual_aid", _("专项互助保障")
