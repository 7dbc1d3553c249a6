from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role assignments."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(ScopedModelMixin, models.Model):
    """A user acts for an organisation (and so its subtree) in a role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("用户"))
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="role_assignments",
        verbose_name=_("单位"),
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # A teacher, a judge or a lawyer sees their own roles (a judge's roles name the units they must not judge).
    objects = ScopedManager(path="organization__path", person={"teacher": "user", "judge": "user", "lawyer": "user"})

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="uniq_role_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"
