"""The member's own page "我的慰问与帮扶" (``/welfare/mine/``) is made of sections; each
welfare app registers its provider here in its ``AppConfig.ready()``:

    register_mine_section("mutual_aid", provider, order=20)

``provider(person_hash, member)`` returns ``{"title": …, "empty": …, "items": [{"title", "detail",
"amount", "date", "status"}]}`` — what that app gave the person (by the ID's keyed hash, so
records from before a transfer count too). The page renders every section the same way, as cards."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from apps.core.scoping import scopes_disabled

from .enums import Form
from .models import Grant

_SECTIONS: dict[str, tuple[int, Callable]] = {}


def register_mine_section(key: str, provider: Callable, *, order: int = 50) -> None:
    if key in _SECTIONS and _SECTIONS[key][1] is not provider:
        raise ImproperlyConfigured(f"mine section {key!r} registered twice")
    _SECTIONS[key] = (order, provider)


def mine_sections(person_hash: str, member) -> list[dict]:
    return [provider(person_hash, member) for _key, (_order, provider)
            in sorted(_SECTIONS.items(), key=lambda kv: (kv[1][0], kv[0]))]


def condolence_section(person_hash: str, member) -> dict:
    """The condolences (cash and goods) the person received, newest first."""
    with scopes_disabled():  # the person's own grants, also those of their records before a transfer
        grants = list(Grant._base_manager.filter(person_hash=person_hash)
                      .select_related("campaign", "occasion", "payer").order_by("-created_at", "-id")[:200])
    items = []
    for g in grants:
        title = g.campaign.title if g.campaign_id else g.get_kind_display()
        if g.form == Form.GOODS:
            detail = f"慰问品：{g.item_name} × {g.quantity}" + ("（已签收）" if g.received_at else "（待签收）")
        else:
            detail = "慰问金"
        items.append({"title": title, "detail": f"{detail} · {g.payer.name}", "amount": g.amount,
                      "date": g.campaign.date if g.campaign_id else (g.occasion.date if g.occasion_id else None),
                      "kind": g.get_kind_display()})
    return {"title": "慰问", "empty": "暂无慰问记录。", "items": items}
