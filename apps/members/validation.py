"""Validation of personal data: GB 11643 resident IDs and mainland mobile numbers.

Messages are Chinese and never echo the full value back.
"""

from __future__ import annotations

import datetime as dt

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from .enums import Gender


def normalize_id_number(value: str) -> str:
    """Validate a resident ID (17 digits + MOD 11-2 check character, real birth date)
    and return it with a lower-case x made upper-case."""
    if value is None or str(value).strip() == "":
        raise ValidationError("身份证号不能为空。", code="required")
    try:
        return ric.validate(str(value).strip())
    except InvalidLength as exc:
        raise ValidationError("身份证号应为 18 位。", code="length") from exc
    except InvalidFormat as exc:
        raise ValidationError("身份证号格式错误：前 17 位应为数字，末位为数字或 X。", code="format") from exc
    except InvalidChecksum as exc:
        raise ValidationError("身份证号校验位错误，请核对。", code="checksum") from exc
    except InvalidComponent as exc:
        raise ValidationError("身份证号中的出生日期或地区码无效。", code="component") from exc


def birth_date_of(id_number: str) -> dt.date:
    return ric.get_birth_date(id_number)


def gender_of(id_number: str) -> str:
    return Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE


def normalize_mobile(value: str) -> str:
    """A mainland China mobile number, returned as 11 digits."""
    raw = str(value or "").strip().replace(" ", "").replace("-", "")
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("手机号格式错误。", code="phone") from exc
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    ):
        raise ValidationError("手机号无效：应为中国大陆 11 位手机号。", code="phone")
    return str(number.national_number)


def normalize_account(value: str) -> str:
    raw = str(value or "").replace(" ", "")
    if raw and not (raw.isdigit() and 8 <= len(raw) <= 30):
        raise ValidationError("银行账号应为 8 到 30 位数字。", code="account")
    return raw
