"""The reference data the app starts with (loaded by a data migration; kept in the admin)."""

from __future__ import annotations

CATEGORIES = [
    ("wages", "工资待遇", [("wages-arrears", "拖欠工资"), ("wages-performance", "绩效工资"),
                        ("wages-allowance", "津贴补贴")]),
    ("insurance", "社会保险", [("insurance-pension", "养老保险"), ("insurance-medical", "医疗保险"),
                           ("insurance-housing", "住房公积金")]),
    ("contract", "劳动合同", [("contract-signing", "合同签订与续订"), ("contract-termination", "解除与终止")]),
    ("titles", "职称评聘", []),
    ("non-staff", "非在编人员权益", []),
    ("environment", "工作环境", []),
    ("mental", "心理健康", []),
    ("other", "其他", []),
]

DAY = 8 * 60  # a working day in minutes (08:30–12:00, 13:00–17:30)

# (case kind, urgency) -> minutes for 签收, 首次联系, 答复
RULES = {
    ("petition", "urgent"): (120, 60, 120),
    ("petition", "normal"): (DAY, DAY, 7 * DAY),
    ("petition", "complex"): (DAY, DAY, 15 * DAY),
    ("warning", "urgent"): (60, 60, DAY),
    ("warning", "normal"): (240, DAY, 3 * DAY),
    ("warning", "complex"): (DAY, DAY, 7 * DAY),
}
FIRST_CALENDAR_YEAR = 2020
