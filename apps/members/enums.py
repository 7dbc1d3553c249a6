from django.db import models
from django.utils.translation import gettext_lazy as _


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", _("在编")
    NON_PERMANENT = "non_permanent", _("非在编")
    DISPATCHED = "dispatched", _("劳务派遣")
    RETIRED = "retired", _("退休")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在会")
    TRANSFERRED = "transferred", _("转出")
    RETIRED = "retired", _("退休")
    WITHDRAWN = "withdrawn", _("退会")
    DECEASED = "deceased", _("去世")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


# The only status moves allowed (anything else is refused with a clear error).
STATUS_MOVES = {
    MemberStatus.ACTIVE: {MemberStatus.TRANSFERRED, MemberStatus.RETIRED, MemberStatus.WITHDRAWN,
                          MemberStatus.DECEASED},
    MemberStatus.RETIRED: {MemberStatus.DECEASED, MemberStatus.ACTIVE},
    MemberStatus.WITHDRAWN: {MemberStatus.ACTIVE},
    MemberStatus.TRANSFERRED: set(),
    MemberStatus.DECEASED: set(),
}

YOUNG_MAX_AGE = 40
