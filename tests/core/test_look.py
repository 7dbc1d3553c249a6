"""Issue 13 §3–§4 without a browser: Chinese everywhere (catalogue, error pages also with
DEBUG=1, CSRF page, API pages), one favicon, unit pickers that show the path."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from apps.core.errors import DebugErrorPagesMiddleware
from apps.core.scoping import scopes_disabled
from apps.honours.models import NominationCampaign
from apps.organizations.forms import OrganizationPathChoiceField
from apps.organizations.models import Organization
from apps.organizations.selectors import organization_path_labels
from tests.conftest import login
from tests.honours.factories import title

pytestmark = pytest.mark.django_db


def test_the_catalogue_translates_the_admin_themes_strings():
    with translation.override("zh-hans"):
        assert translation.gettext("Type to search") == "输入关键词搜索"
        assert translation.gettext("Select value") == "请选择"
        assert translation.gettext("No results found") == "没有找到结果"
        assert translation.gettext("Select all rows") == "选择全部行"
        assert translation.gettext("Welcome back to") == "欢迎回到"


def test_admin_log_in_page_is_chinese_with_the_portals_icon():
    body = Client().get("/admin/login/").content.decode()
    assert "欢迎回到" in body and "Welcome back to" not in body
    assert "/static/favicon.svg" in body


def test_favicon_ico_is_the_portals_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"


def test_log_in_page_links_to_teacher_sign_up():
    body = Client().get("/accounts/login/").content.decode()
    assert 'href="/competitions/signup/"' in body and "注册教师账号" in body


@pytest.mark.parametrize("technical", [False, True])
def test_unknown_address_is_chinese_with_debug_on(settings, technical):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_ERRORS = technical
    response = Client().get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    if technical:  # a developer asked for Django's page
        assert "Page not found" in body
    else:
        assert "页面不存在" in body and "Page not found" not in body


def test_missing_object_is_chinese_with_debug_on(settings, users):
    settings.DEBUG = True
    response = login(users["municipal"]).get(f"/jobs/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_slash_is_still_appended_with_debug_on(settings, users):
    settings.DEBUG = True
    response = login(users["municipal"]).get("/jobs")
    assert response.status_code == 301 and response["Location"] == "/jobs/"


def test_uncaught_error_is_chinese_with_debug_on(settings):
    settings.DEBUG = True
    request = RequestFactory().get("/")
    response = DebugErrorPagesMiddleware(lambda r: None).process_exception(request, RuntimeError("boom"))
    assert response.status_code == 500 and "服务器出错了" in response.content.decode()
    settings.DEBUG_TECHNICAL_ERRORS = True
    assert DebugErrorPagesMiddleware(lambda r: None).process_exception(request, RuntimeError("boom")) is None


def test_csrf_failure_page_is_chinese():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body and "CSRF verification failed" not in body


def test_api_html_page_is_the_portals_and_chinese(users):
    response = login(users["municipal"]).get("/api/v1/organizations/", HTTP_ACCEPT="text/html")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>组织列表</h1>" in body and "/static/css/portal.css" in body
    for english in ("Organization List", "Django REST framework", "Raw data", "HTML form"):
        assert english not in body
    assert "北京市第一〇一中学工会" in body  # the content is there, pretty-printed


def test_path_labels_tell_units_apart_in_one_query(tree, django_assert_num_queries):
    with scopes_disabled():
        orgs = list(Organization.objects.filter(pk__in=[tree.haidian_school.pk, tree.tsinghua_group.pk,
                                                         tree.root.pk, tree.haidian.pk]))
        with django_assert_num_queries(1):
            labels = organization_path_labels(orgs)
    assert labels[tree.haidian_school.pk] == "海淀区教育工会 › 北京市第一〇一中学工会"
    assert labels[tree.tsinghua_group.pk] == "清华大学工会 › 计算机系分工会 › 第一工会小组"
    assert labels[tree.haidian.pk] == "海淀区教育工会"
    assert labels[tree.root.pk] == "北京市教育工会"


def test_path_choice_field_lists_paths_with_one_query(tree, django_assert_num_queries):
    with scopes_disabled():
        field = OrganizationPathChoiceField(queryset=Organization.objects.order_by("path"))
        with django_assert_num_queries(3):  # count and list the units, then all their ancestors at once
            choices = list(field.choices)
    labels = [label for _, label in choices]
    assert "清华大学工会 › 计算机系分工会 › 第一工会小组" in labels and labels[0] == "---------"


def test_admin_unit_autocomplete_shows_paths_in_scope(tree, users):
    url = "/admin/autocomplete/?app_label=organizations&model_name=committee&field_name=organization&term=工会"
    texts = [r["text"] for r in login(users["municipal"]).get(url).json()["results"]]
    assert "海淀区教育工会 › 北京市第一〇一中学工会" in texts
    assert "朝阳区教育工会 › 北京市朝阳区实验小学工会" in texts
    texts = [r["text"] for r in login(users["haidian"]).get(url).json()["results"]]
    assert texts and all(t.startswith("海淀区教育工会") for t in texts), texts


def test_campaign_page_offers_new_nomination_to_units_and_the_form_takes_the_campaign(tree, users):
    today = dt.date.today()
    with scopes_disabled():
        campaign = NominationCampaign.objects.create(year=today.year, name="评选", opens_on=today - dt.timedelta(days=1),
                                                     closes_on=today + dt.timedelta(days=5))
        campaign.titles.set([title("beijing_advanced_worker")])
    client = login(users["tsinghua"])
    body = client.get(f"/honours/campaigns/{campaign.pk}/").content.decode()
    add = f"/admin/honours/nomination/add/?campaign={campaign.pk}"
    assert f'href="{add}"' in body and "新增推荐" in body
    form = client.get(add).content.decode()
    assert f'<option value="{campaign.pk}" selected>' in form
    assert "新增推荐" not in login(users["teacher"]).get(f"/honours/campaigns/{campaign.pk}/").content.decode()
    assert "评选" in client.get("/honours/campaigns/").content.decode()
