from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.acting import acting_organization
from apps.core.enums import JobKind
from apps.core.jobs import job_start

from .enums import OrgKind
from .models import Organization
from .selectors import organization_list, organization_subtree
from .tasks import export_organizations


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise Http404


@login_required
@require_GET
def organization_index(request):
    _require(request, "organizations.view_organization")
    units = organization_list(within=None, search=request.GET.get("q", "").strip(), kind=request.GET.get("kind", ""))
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    return render(request, "organizations/list.html", {"page": page, "kinds": OrgKind.choices})


@login_required
@require_GET
def organization_detail(request, code):
    _require(request, "organizations.view_organization")
    org = get_object_or_404(Organization, code=code)  # scoped: outside is a 404
    children = organization_subtree(root=org, include_self=False).filter(depth=org.depth + 1)
    return render(request, "organizations/detail.html", {"org": org, "children": children})


@login_required
@require_POST
def organization_export(request):
    _require(request, "core.add_job")
    job = job_start(
        kind=JobKind.ORGANIZATION_EXPORT,
        organization=acting_organization(request.user),
        actor=request.user,
        task=export_organizations,
    )
    return redirect("jobs:detail", pk=job.pk)
