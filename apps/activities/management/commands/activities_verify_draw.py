"""Recompute a session's draw from its published seed and frozen applicant list."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from apps.activities.models import Session
from apps.activities.services import session_verify_draw
from apps.core.scoping import scopes_disabled


class Command(BaseCommand):
    help = "重新计算某期次的抽签结果并与公布结果比对（python manage.py activities_verify_draw <期次ID>）"

    def add_arguments(self, parser):
        parser.add_argument("session", type=int)

    def handle(self, *args, session: int, **options):
        with scopes_disabled():  # a published draw: anyone may recompute it
            row = Session.objects.filter(pk=session).first()
            if row is None:
                raise CommandError("没有这个期次。")
            try:
                result = session_verify_draw(session=row)
            except Exception as exc:  # noqa: BLE001 - shown to the operator in Chinese
                raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if not result["ok"]:
            raise CommandError("抽签结果与重新计算的结果不一致。")
