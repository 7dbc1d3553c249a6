"""/api/v1/competitions/awards/: scoped to the acting subtree, with filters."""

from __future__ import annotations

import pytest

from apps.competitions.enums import AwardKind, PrizeLevel
from tests.competitions.factories import make_entry
from tests.competitions.results_factories import certificate_of, make_award, published_edition
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def awards(tree):
    edition = published_edition(groups=(("理科", "science"), ("文科", "humanities")))
    science, humanities = edition.groups.all()
    thu = make_award(entry=make_entry(science, make_member(tree.tsinghua, name="清华老师")), level=PrizeLevel.FIRST)
    hd = make_award(entry=make_entry(humanities, make_member(tree.haidian, name="海淀老师")),
                    level=PrizeLevel.SECOND)
    org = make_award(edition=edition, kind=AwardKind.ORGANISATION, organization=tree.chaoyang)
    return {"edition": edition, "science": science, "thu": thu, "hd": hd, "org": org}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:200]
    return {row["id"] for row in response.json()["results"]}


def test_awards_list_is_scoped(awards, as_user):
    assert _ids(as_user("municipal").get("/api/v1/competitions/awards/")) == {
        awards["thu"].pk, awards["hd"].pk, awards["org"].pk}
    assert _ids(as_user("tsinghua").get("/api/v1/competitions/awards/")) == {awards["thu"].pk}
    assert _ids(as_user("haidian").get("/api/v1/competitions/awards/")) == {awards["hd"].pk}
    assert _ids(as_user("chaoyang").get("/api/v1/competitions/awards/")) == {awards["org"].pk}
    assert as_user("tsinghua").get(f"/api/v1/competitions/awards/{awards['hd'].pk}/").status_code == 404
    for key in ("teacher", "judge"):
        assert as_user(key).get("/api/v1/competitions/awards/").status_code == 403


def test_awards_list_filters_and_fields(awards, as_user):
    client = as_user("municipal")
    assert _ids(client.get("/api/v1/competitions/awards/", {"kind": "organisation"})) == {awards["org"].pk}
    assert _ids(client.get("/api/v1/competitions/awards/", {"group": awards["science"].pk})) == {awards["thu"].pk}
    assert _ids(client.get("/api/v1/competitions/awards/", {"edition": awards["edition"].pk + 999})) == set()
    assert _ids(client.get("/api/v1/competitions/awards/", {"unit": "U-THU"})) == {awards["thu"].pk}
    row = client.get(f"/api/v1/competitions/awards/{awards['thu'].pk}/").json()
    assert row["recipient"] == "清华老师" and row["name"] == "一等奖" and row["group_name"] == "理科"
    assert row["organization"] == "U-THU" and row["certificates"] == [certificate_of(awards["thu"]).code]
    assert "id_number" not in str(row)
