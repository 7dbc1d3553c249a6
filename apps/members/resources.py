"""The member columns of every spreadsheet: template, import, export.

``MemberResource`` (django-import-export) is the one definition of the columns, their
Chinese headers and order. The template, the importer and the exporter all read it, so a
column added here appears everywhere. Personal data is masked unless the resource is
built with ``reveal=True`` (which only callers holding the reveal permission do).
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from .enums import EmploymentType, Gender, MemberStatus
from .masking import mask_account, mask_id, mask_phone
from .models import Member

# Columns a person types into the template (the import reads these; extra columns are ignored).
TEMPLATE_HEADERS = ("姓名", "身份证号", "手机号", "所属工会编码", "分工会", "用工性质", "岗位", "入会日期",
                    "从教日期", "开户银行", "银行账号", "备注")
# Columns that hold long digit strings: text cells, never numbers.
TEXT_HEADERS = ("身份证号", "手机号", "所属工会编码", "银行账号")
DATE_HEADERS = ("入会日期", "从教日期", "出生日期")


class ChoiceLabelWidget(widgets.Widget):
    """Stores the choice value, shows (and reads) its Chinese label."""

    def __init__(self, choices, **kwargs):
        self.to_label = {value: str(label) for value, label in choices}
        self.to_value = {label: value for value, label in self.to_label.items()}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        return self.to_value.get(text, text)

    def render(self, value, obj=None, **kwargs):
        return self.to_label.get(value, value or "")


class MemberResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    gender = fields.Field(attribute="gender", column_name="性别", widget=ChoiceLabelWidget(Gender.choices),
                          readonly=True)
    id_number = fields.Field(attribute="id_number", column_name="身份证号")
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d"),
                              readonly=True)
    phone = fields.Field(attribute="phone", column_name="手机号")
    organization = fields.Field(attribute="organization__code", column_name="所属工会编码")
    organization_name = fields.Field(attribute="organization__name", column_name="所属工会", readonly=True)
    branch = fields.Field(attribute="branch__name", column_name="分工会")
    employment_type = fields.Field(attribute="employment_type", column_name="用工性质",
                                   widget=ChoiceLabelWidget(EmploymentType.choices))
    post = fields.Field(attribute="post", column_name="岗位")
    joined_on = fields.Field(attribute="joined_on", column_name="入会日期", widget=widgets.DateWidget("%Y-%m-%d"))
    teaching_since = fields.Field(attribute="teaching_since", column_name="从教日期",
                                  widget=widgets.DateWidget("%Y-%m-%d"))
    status = fields.Field(attribute="status", column_name="会籍状态", widget=ChoiceLabelWidget(MemberStatus.choices))
    bank_name = fields.Field(attribute="bank_name", column_name="开户银行")
    bank_account = fields.Field(attribute="bank_account", column_name="银行账号")
    remarks = fields.Field(attribute="remarks", column_name="备注")

    MASKS = {"id_number": mask_id, "phone": mask_phone, "bank_account": mask_account}

    class Meta:
        model = Member
        fields = ("name", "gender", "id_number", "birth_date", "phone", "organization", "organization_name",
                  "branch", "employment_type", "post", "joined_on", "teaching_since", "status", "bank_name",
                  "bank_account", "remarks")
        export_order = fields
        import_id_fields = ("id_number",)
        skip_unchanged = False

    def __init__(self, *, reveal: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.reveal = reveal

    def dehydrate_id_number(self, member):
        return member.id_number if self.reveal else mask_id(member.id_number)

    def dehydrate_phone(self, member):
        return member.phone if self.reveal else mask_phone(member.phone)

    def dehydrate_bank_account(self, member):
        return member.bank_account if self.reveal else mask_account(member.bank_account)

    @classmethod
    def columns(cls) -> list[tuple[str, str]]:
        """(field name, Chinese header) in export order."""
        resource = cls()
        return [(resource.get_field_name(f), f.column_name) for f in resource.get_export_fields()]
