"""Portal pages for nominations: a campaign's quota and nominations (staff), and the
public notice (公示) of nominees — name, unit and title only, never personal data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.accounts.acting import acting_organization
from apps.core.scoping import scopes_disabled

from .enums import NominationStatus
from .models import Nomination, NominationCampaign, NominationMaterial, NominationQuota
from .services import campaign_quota_summary

MATERIAL_VIEW = "honours.view_nomination"
MATERIAL_TYPES = {"pdf": "application/pdf",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
CAMPAIGN_VIEW = "honours.view_nominationcampaign"
CAMPAIGN_KEEP = "honours.change_nominationcampaign"
NOMINATE = "honours.add_nomination"


@login_required
@require_GET
def campaign_list(request):
    """Every nomination campaign (city-wide data), newest first: where units start a nomination."""
    if not request.user.has_perm(CAMPAIGN_VIEW):
        raise Http404
    campaigns = NominationCampaign.objects.order_by("-year", "-opens_on", "-id")[:50]
    return render(request, "honours/campaign_list.html", {"campaigns": campaigns})


@login_required
@require_GET
def campaign_detail(request, pk: int):
    """Unit staff: their own quota used/left and their subtree's nominations. The municipal
    admin: places, used and left per unit. Everything below the campaign itself is scoped."""
    if not request.user.has_perm(CAMPAIGN_VIEW):
        raise Http404
    campaign = get_object_or_404(NominationCampaign, pk=pk)
    keeper = request.user.has_perm(CAMPAIGN_KEEP)
    used = {row["organization"]: row["n"] for row in
            Nomination.objects.filter(campaign=campaign).values("organization").annotate(n=Count("id"))}
    units = [{"organization": q.organization, "quota": q.quota, "used": used.get(q.organization_id, 0),
              "left": max(q.quota - used.get(q.organization_id, 0), 0)}
             for q in NominationQuota.objects.filter(campaign=campaign).select_related("organization")]
    nominations = [] if keeper else list(
        Nomination.objects.filter(campaign=campaign).select_related("title", "member", "organization")
        .order_by("organization__path", "id"))
    return render(request, "honours/campaign.html", {
        "campaign": campaign, "keeper": keeper, "units": units, "nominations": nominations,
        "mine": campaign_quota_summary(campaign=campaign, organization=acting_organization(request.user)),
        "titles": campaign.titles.all(),
        "can_nominate": request.user.is_staff and request.user.has_perm(NOMINATE),
    })


@require_GET
def campaign_notice(request, pk: int):
    """The public notice: open to anyone (a 公示 is public by nature). Only nominations on
    notice, and only the nominee's name, the unit and the title — no ID, phone or deeds."""
    with scopes_disabled():  # the public notice (公示) is public by nature: names, units, titles only
        campaign = get_object_or_404(NominationCampaign, pk=pk)
        rows = [{"name": n.member.name if n.member_id else n.collective_name, "unit": n.organization.name,
                 "title": n.title.name, "start": n.notice_start, "end": n.notice_end}
                for n in Nomination.objects.filter(campaign=campaign, status=NominationStatus.NOTICE)
                .select_related("title", "member", "organization").order_by("title__rank", "organization__path", "id")]
    return render(request, "honours/notice.html", {"campaign": campaign, "rows": rows})


@login_required
@require_GET
def material_download(request, pk: int):
    """A nomination's supporting document, as an attachment under its original name. Files
    live under MEDIA_ROOT and are never served directly: the scoped manager makes another
    unit's document a 404, exactly like a missing one; every download is audited."""
    from apps.core.audit import audit_record

    if not request.user.has_perm(MATERIAL_VIEW):
        raise Http404
    material = get_object_or_404(NominationMaterial.objects.select_related("nomination"), pk=pk)  # scoped
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_record(actor=request.user, action="nomination.material_download", target=material.nomination,
                 data={"material": material.pk})
    response = FileResponse(handle, as_attachment=True, filename=material.name,
                            content_type=MATERIAL_TYPES.get(material.kind, "application/octet-stream"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
