"""Forms of the teachers' and units' competition pages. They only shape the input; the
rules live in the services (services/registration.py, services/teams.py), whose Chinese errors are put back
on the form with ``add_service_error``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: messages of fields the form shows stay on
    the field, the rest become form-wide errors."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def has_non_field(form: forms.Form) -> bool:
    return bool(form.errors.get(NON_FIELD_ERRORS))


class IdentityForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18, min_length=15,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))


class SignupForm(IdentityForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="再次输入密码",
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    field_order = ["username", "password", "password2", "name", "id_number"]


class EntryForm(forms.Form):
    """The fields of an entry; which are required (and shown) follows the edition."""

    team_name = forms.CharField(label="团队名称", max_length=100, required=False)
    course_title = forms.CharField(label="课程/题目", max_length=200, required=False)
    supervisor_name = forms.CharField(label="指导教师", max_length=50, required=False,
                                      help_text="如有指导教师请填写（参评优秀指导教师奖）。")
    video_url = forms.CharField(label="视频链接", max_length=200, required=False)
    lesson_plan = forms.FileField(label="教案（PDF 或 Word，≤10 MB）", required=False)
    teaching_design = forms.FileField(label="教学设计（PDF 或 Word，≤10 MB）", required=False)

    def __init__(self, *args, group, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        edition = group.edition
        self.group = group
        if group.entry_kind != "team":
            del self.fields["team_name"]
        required = {
            "team_name": group.entry_kind == "team",
            "course_title": edition.requires_course_title,
            "video_url": edition.requires_video,
            "lesson_plan": edition.requires_lesson_plan and not (entry and entry.lesson_plan),
            "teaching_design": edition.requires_teaching_design and not (entry and entry.teaching_design),
        }
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "wide")
            if required.get(name):
                field.label = f"{field.label} *"
        if entry is not None:
            if entry.lesson_plan:
                self.fields["lesson_plan"].help_text = f"已上传：{entry.lesson_plan_name}（重新选择文件将替换）"
            if entry.teaching_design:
                self.fields["teaching_design"].help_text = f"已上传：{entry.teaching_design_name}（重新选择文件将替换）"

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if k in
                ("team_name", "course_title", "supervisor_name", "video_url", "lesson_plan", "teaching_design")}


class InviteForm(IdentityForm):
    pass


class RejectForm(forms.Form):
    reason = forms.CharField(label="未通过原因", max_length=200)
