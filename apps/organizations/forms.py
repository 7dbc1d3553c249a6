from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelect2Widget

from .enums import OrgKind
from .models import Cluster, Organization
from .selectors import organization_path_labels
from .services import organization_check_child_kind


class OrganizationPathIterator(forms.models.ModelChoiceIterator):
    """Choices labelled with the unit's path, all labels from one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        orgs = list(self.queryset)
        labels = organization_path_labels(orgs)
        for org in orgs:
            yield (forms.models.ModelChoiceIteratorValue(self.field.prepare_value(org), org), labels[org.pk])


class OrganizationPathChoiceField(forms.ModelChoiceField):
    """A unit picker for forms that list units: "海淀区教育工会 › 中关村中学", not bare names
    that repeat (every university has a 机关工会). Pair it with a searchable widget
    (unfold's UnfoldAdminSelect2Widget in the admin)."""

    iterator = OrganizationPathIterator

    def label_from_instance(self, obj):
        return organization_path_labels([obj])[obj.pk]


class OrganizationAddForm(forms.ModelForm):
    """The admin's add form: the parent is chosen from the acting subtree only."""

    parent = OrganizationPathChoiceField(
        label=_("上级单位"), queryset=Organization._base_manager.none(), required=True,
        widget=UnfoldAdminSelect2Widget,
    )

    class Meta:
        model = Organization
        fields = ("parent", "code", "name", "short_name", "kind")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organization.objects.order_by("path")  # scoped manager
        self.fields["kind"].choices = [c for c in OrgKind.choices if c[0] != OrgKind.MUNICIPAL]

    def clean(self):
        data = super().clean()
        if data.get("parent") and data.get("kind"):
            organization_check_child_kind(data["parent"], data["kind"])
        return data


class ClusterForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = ("code", "name", "kind", "lead", "units")

    def clean(self):
        data = super().clean()
        units = data.get("units") or []
        if data.get("lead") and data["lead"] not in units:
            raise forms.ValidationError(_("组长单位必须是片组成员。"))
        if any(not unit.is_grassroots for unit in units):
            raise forms.ValidationError(_("片组成员必须是基层工会。"))
        return data


class OrganizationChangeForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ("name", "short_name", "is_active")
