"""Portal pages: the member's own "我的慰问与帮扶" (phone-first cards)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.scoping import acting_person
from apps.members.models import Member

from .mine import mine_sections


@login_required
@require_GET
def mine(request):
    """What the signed-in member received. Their member record is the one their person scope
    (a teacher's linked record) shows; staff accounts see a note instead."""
    role, _user = acting_person()
    member = Member.objects.only("id", "id_hash", "name").first() if role == "teacher" else None
    sections = mine_sections(member.id_hash, member) if member is not None else []
    return render(request, "condolences/mine.html", {"member": member, "sections": sections})
