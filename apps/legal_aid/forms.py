from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import ConsultationCategory


class AskForm(forms.Form):
    category = forms.ChoiceField(label=_("咨询类别"), choices=[("", "请选择"), *ConsultationCategory.choices])
    title = forms.CharField(label=_("标题"), max_length=100)
    question = forms.CharField(label=_("咨询内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                               help_text=_("请说明事情经过和您的问题，不要填写身份证号等敏感信息。"))
    attachment = forms.FileField(label=_("附件（PDF/Word，10 MB 以内，可不传）"), required=False)
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class PostForm(forms.Form):
    text = forms.CharField(label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("附件（PDF/Word，可不传）"), required=False)
