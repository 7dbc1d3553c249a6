"""Admin forms for members. Personal fields are never pre-filled with plaintext: on the
change form they are empty inputs (left empty = unchanged) showing the masked value."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.organizations.enums import GRASSROOTS_KINDS, OrgKind
from apps.organizations.models import Organization

from .models import Member
from .services import member_check_new_person, member_clean

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberAddForm(forms.ModelForm):
    organization = forms.ModelChoiceField(label=_("所属工会"), queryset=Organization._base_manager.none())
    branch = forms.ModelChoiceField(label=_("分工会"), queryset=Organization._base_manager.none(), required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)

    class Meta:
        model = Member
        fields = ("organization", "branch", "name", "id_number", "phone", "employment_type", "post", "joined_on",
                  "teaching_since", "bank_name", "bank_account", "remarks")
        widgets = {"joined_on": _DATE, "teaching_since": _DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Organization.objects.order_by("path")  # the scoped manager: the acting subtree only
        self.fields["organization"].queryset = units.filter(kind__in=GRASSROOTS_KINDS)
        self.fields["branch"].queryset = units.filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP))

    def clean(self):
        data = super().clean()
        try:
            data.update(member_clean({k: data[k] for k in ("name", "id_number", "phone", "bank_account",
                                                         "employment_type", "joined_on", "teaching_since")
                                      if k in data}))
            if data.get("organization") and data.get("id_number"):
                member_check_new_person(data["organization"], data["id_number"], data.get("branch"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return data

    def _post_clean(self):
        pass  # the services validate and save; the model never sees an unvalidated instance


class MemberChangeForm(forms.ModelForm):
    branch = forms.ModelChoiceField(label=_("分工会"), queryset=Organization._base_manager.none(), required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False, help_text=_("留空则不修改。"))
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False, help_text=_("留空则不修改。"))

    class Meta:
        model = Member
        # phone and bank_account are declared above, not model fields here: never pre-filled.
        fields = ("name", "branch", "employment_type", "post", "joined_on", "teaching_since", "bank_name", "remarks")
        widgets = {"joined_on": _DATE, "teaching_since": _DATE}

    admin_fields = ("name", "branch", "phone", "employment_type", "post", "joined_on", "teaching_since", "bank_name",
                    "bank_account", "remarks")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        member = self.instance
        self.fields["branch"].queryset = Organization.objects.filter(
            path__startswith=member.organization.path, kind__in=(OrgKind.BRANCH, OrgKind.GROUP)
        ).order_by("path")
        self.fields["phone"].widget.attrs["placeholder"] = member.phone_masked
        self.fields["bank_account"].widget.attrs["placeholder"] = member.bank_account_masked

    def changes(self) -> dict:
        data = self.cleaned_data
        changed = {f: data[f] for f in self.changed_data if f in data}
        for secret in ("phone", "bank_account"):
            if not data.get(secret):
                changed.pop(secret, None)  # empty means unchanged
        return changed

    def clean(self):
        data = super().clean()
        try:
            member_clean({k: data[k] for k in ("name", "phone", "bank_account", "employment_type", "joined_on",
                                               "teaching_since") if data.get(k)} | {"id_number": self.instance.id_number})
        except ValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return data

    def _post_clean(self):
        pass


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看原因"), max_length=200, widget=forms.TextInput(
        attrs={"placeholder": "例如：办理慰问金发放核对账号"}))
