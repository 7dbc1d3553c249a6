"""Access-matrix entries for the 12351 platform exchange (apps/petitions/exchange): the
template, the order-list import and the export of replies, in the admin and the API.

They are the municipal union's (``petitions.dispatch_case``): every outsider is refused,
an outsider's import creates nothing and audits nothing, and 朝阳's answered order (made
here) never reaches an outsider's export; the municipal control downloads, imports and
exports (so the URLs were right)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from tests.core import test_access_matrix as m

MAKERS: list[Callable] = []
API = "/api/v1/petitions/platform/"
ADMIN = "/admin/petitions/case/"
ANSWERED_TITLE = "朝阳已答复工单"


def answered_order(tree, users, member) -> dict:
    """朝阳's 12351 order, answered by its school (what the export carries)."""
    from apps.petitions.enums import Action
    from apps.petitions.models import Category
    from apps.petitions.reference import load_reference
    from apps.petitions.services import case_receive, case_transition

    if not Category.objects.exists():
        from django.apps import apps

        load_reference(apps.get_model)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    case, _ = case_receive(source="12351", order_no="CY-EXPORT-1", received_at=now, petitioner_name="朝阳回传人",
                           petitioner_phone="13900003333", category=Category.objects.get(code="wages-arrears"),
                           title=ANSWERED_TITLE, content="朝阳诉求内容")
    case = case_transition(case=case, action=Action.DISPATCH, unit=tree.chaoyang_school, at=now)
    for action, kw in ((Action.SIGN, {}), (Action.CONTACT, {}), (Action.REPLY, {"reply_text": "朝阳答复内容"})):
        case = case_transition(case=case, action=action, at=now + dt.timedelta(minutes=30), **kw)
    return {}


MAKERS.append(answered_order)


def _sheet(order_no: str) -> bytes:
    from tests.petitions.platform_sheets import order_row, xlsx_bytes

    return xlsx_bytes([order_row(1, 工单编号=order_no, 所在单位="")])


def _cases(order_no: str) -> int:
    from apps.core.scoping import scopes_disabled
    from apps.petitions.models import Case

    with scopes_disabled():
        return Case._base_manager.filter(order_no=order_no).count()


def _logs() -> int:
    return m.AuditLog._base_manager.filter(action__startswith="petitions.").count()


def _text(response) -> str:
    if "spreadsheetml" in response.get("Content-Type", ""):
        return m._xlsx_text(response)
    return response.content.decode(errors="replace")


def check_download(url: str, marker: str, *, method: str = "get") -> Callable:
    """Outsiders refused and never shown ``marker``; the control gets the spreadsheet with it."""

    def fetch(client):
        return m.form_post(client, url, {}) if method == "post" else client.get(url)

    def check(w) -> None:
        for key in m.OUTSIDERS:
            response = fetch(w.client(key))
            assert m.refused(response), (key, url, response.status_code)
            assert marker not in _text(response), (key, url)
        response = fetch(w.client("municipal"))
        assert response.status_code == 200 and marker in _text(response), (url, response.status_code)
    return check


def check_api_import() -> Callable:
    url = f"{API}import/"

    def post(client, order_no: str):
        client.get("/")
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        upload = io.BytesIO(_sheet(order_no))
        upload.name = "orders.xlsx"
        return client.post(url, {"file": upload}, HTTP_X_CSRFTOKEN=token)

    def check(w) -> None:
        logs = _logs()
        for key in m.OUTSIDERS:
            response = post(w.client(key), f"OUT-{key}")
            assert m.refused(response), (key, response.status_code)
            assert _cases(f"OUT-{key}") == 0
        assert _logs() == logs, "an outsider's import was audited"
        response = post(w.client("municipal"), "CTRL-API-1")
        assert response.status_code == 200 and _cases("CTRL-API-1") == 1, response.content[:300]
    return check


def check_admin_import() -> Callable:
    url = f"{ADMIN}platform-import/"

    def upload(client, order_no: str):
        client.get("/")
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        sheet = io.BytesIO(_sheet(order_no))
        sheet.name = "orders.xlsx"
        return client.post(url, {"file": sheet, "csrfmiddlewaretoken": token})

    def check(w) -> None:
        logs = _logs()
        for key in m.OUTSIDERS:
            client = w.client(key)
            assert m.refused(client.get(url)), key
            assert m.refused(upload(client, f"OUT-ADM-{key}")), key
            assert m.refused(m.form_post(client, url, {"token": "0" * 32})), key
        assert _logs() == logs and _cases("OUT-ADM-haidian") == 0
        control = w.client("municipal")
        preview = upload(control, "CTRL-ADM-1")
        assert preview.status_code == 200 and preview.context["token"], "control must preview"
        done = m.form_post(control, url, {"token": preview.context["token"]})
        assert done.status_code == 302 and _cases("CTRL-ADM-1") == 1, "control must import"
    return check


def entries() -> dict:
    return {
        "api/v1/petitions/platform/template/": check_download(f"{API}template/", "工单编号"),
        "api/v1/petitions/platform/export/": check_download(f"{API}export/", ANSWERED_TITLE),
        "api/v1/petitions/platform/import/": check_api_import(),
        "admin/petitions/case/platform-template/": check_download(f"{ADMIN}platform-template/", "工单编号"),
        "admin/petitions/case/platform-export/": check_download(f"{ADMIN}platform-export/", ANSWERED_TITLE,
                                                                method="post"),
        "admin/petitions/case/platform-import/": check_admin_import(),
    }
