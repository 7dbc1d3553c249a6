"""Admin forms for users and roles: choices limited to what the acting user may grant,
errors from the services shown beside their fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from apps.organizations.models import Organization

from .enums import Role
from .models import RoleAssignment, User
from .services import grantable_roles, user_check_new


def _role_choices(actor) -> list[tuple[str, str]]:
    return [(r, Role(r).label) for r in grantable_roles(actor)]


def _add_errors(form: forms.Form, exc: ValidationError | PermissionDenied, default_field: str) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, getattr(exc, "messages", None) or str(exc))


class UserCreateForm(forms.ModelForm):
    """username, name, the first role and where, and the password (twice)."""

    organization = forms.ModelChoiceField(label="所属单位", queryset=Organization.objects.none())
    role = forms.ChoiceField(label="角色")
    password = forms.CharField(label="初始密码", strip=False, widget=forms.PasswordInput(render_value=True),
                               help_text="至少 8 位，不能过于常见、不能全为数字、不能与用户名相近。")
    password2 = forms.CharField(label="再次输入密码", strip=False, widget=forms.PasswordInput(render_value=True))

    class Meta:
        model = User
        fields = ("username", "full_name")

    actor = None  # set by the admin's get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by("path")  # scoped: the acting subtree
        self.fields["role"].choices = _role_choices(self.actor)
        self.fields["full_name"].required = True

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致。")
        if self.errors:
            return data
        try:
            user_check_new(actor=self.actor, username=data.get("username", ""), full_name=data.get("full_name", ""),
                           password=data.get("password", ""), organization=data["organization"], role=data["role"])
        except (ValidationError, PermissionDenied) as exc:
            _add_errors(self, exc, "role")
        return data

    def _post_clean(self):  # the service checks the username; skip the model's own unique check
        pass


class RoleAssignForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "organization", "role")

    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = RoleAssignment.objects.values("user_id")  # scoped: users with a role in the acting subtree
        self.fields["user"].queryset = User.objects.filter(pk__in=visible, is_active=True).order_by("username")
        self.fields["organization"].queryset = Organization.objects.order_by("path")  # scoped
        self.fields["role"].choices = _role_choices(self.actor)

    def _post_clean(self):  # role_assign is idempotent: an existing grant is reactivated, not refused
        pass


class PasswordForm(forms.Form):
    password = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput,
                               help_text="至少 8 位，不能过于常见、不能全为数字、不能与用户名相近。")
    password2 = forms.CharField(label="再次输入新密码", strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致。")
        return data
