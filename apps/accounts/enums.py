from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MUNICIPAL_ADMIN = "municipal_admin", _("市级管理员")
    UNIT_ADMIN = "unit_admin", _("单位管理员")
    UNIT_CLERK = "unit_clerk", _("单位经办人")
    PAYMENT_APPROVER = "payment_approver", _("支付审批人")
    JUDGE = "judge", _("评委")
    TEACHER = "teacher", _("教师")
    LAWYER = "lawyer", _("援助律师")


# Roles that work in the staff admin (the others use the portal pages only).
STAFF_ROLES = {Role.MUNICIPAL_ADMIN, Role.UNIT_ADMIN, Role.UNIT_CLERK, Role.PAYMENT_APPROVER}

# Roles acted in as a person, not for a unit: their scope is their own records (a teacher's
# member record and entries, a judge's assignments minus conflicts, a lawyer's assigned legal-aid
# consultations), never a subtree.
PERSON_ROLES = {Role.TEACHER: "teacher", Role.JUDGE: "judge", Role.LAWYER: "lawyer"}
