"""Django's minimum-length validator with its message in Chinese (the zh-hans catalogue of the
installed Django leaves this plural message untranslated)."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator as _Base
from django.core.exceptions import ValidationError


class MinimumLengthValidator(_Base):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short",
                                  params={"min_length": self.min_length})

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
