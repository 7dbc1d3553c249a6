"""A logging filter that masks national ID numbers, mobile phones and bank accounts."""

from __future__ import annotations

import logging
import re

_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ACCOUNT = re.compile(r"(?<!\d)(\d{6})\d{3,15}(\d{4})(?!\d)")


def redact(text: str) -> str:
    text = _ID.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    text = _ACCOUNT.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
