"""The three competition series, as data (a migration adds them; tests and the demo call
``series_seed`` because a transactional test's flush removes migration rows)."""

from __future__ import annotations

SERIES = (
    ("qjs", "北京高校青年教师教学基本功比赛", "高校青年教师教学基本功比赛，分文、理、工、医四组，另设教学教法论文评选。"),
    ("qgs", "北京高校青年管理人员职业能力大赛", "高校青年管理人员职业能力大赛，三人一队参赛。"),
    ("jjb", "京教杯中小学青年教师教学基本功展示", "中小学青年教师比赛：区级初赛、市级复赛、市级决赛。"),
)


def series_seed(*, model) -> None:
    for code, name, description in SERIES:
        model.objects.get_or_create(code=code, defaults={"name": name, "description": description})
