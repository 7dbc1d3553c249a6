"""The union's mutual-aid plans (职工互助保障), loaded by the migration as data the municipal
administrator then keeps in the admin. Figures are the demo's, not an official tariff."""

from __future__ import annotations

from decimal import Decimal as D

PLANS = [
    # code, name, contribution, rule, per_day, min_days, fixed_sum, yearly_cap, eligibility
    ("hospital", "住院医疗互助", D("30"), "per_day", D("50"), 3, D("0"), D("3000"), "all"),
    ("critical-illness", "重大疾病互助", D("50"), "per_diagnosis", D("0"), 1, D("10000"), D("10000"), "all"),
    ("women-illness", "女职工特殊疾病互助", D("20"), "per_diagnosis", D("0"), 1, D("8000"), D("8000"), "women"),
    ("accident", "意外伤害互助", D("20"), "per_diagnosis", D("0"), 1, D("5000"), D("5000"), "all"),
    ("model-workers", "专项互助保障（劳模）", D("0"), "per_day", D("100"), 1, D("0"), D("6000"), "model_workers"),
]


def load_plans(get_model) -> None:
    Plan = get_model("mutual_aid", "Plan")  # noqa: N806
    for rank, (code, name, contribution, rule, per_day, min_days, fixed, cap, eligibility) in enumerate(PLANS):
        Plan.objects.get_or_create(code=code, defaults={
            "name": name, "contribution": contribution, "rule": rule, "per_day": per_day, "min_days": min_days,
            "fixed_sum": fixed, "yearly_cap": cap, "eligibility": eligibility, "rank": rank})
