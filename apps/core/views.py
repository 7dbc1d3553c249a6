from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .jobs import job_download_record, jobs_visible
from .models import Job
from .work_queue import queue_for


def _grouped(items) -> list[tuple[str, list]]:
    sections: dict[str, list] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    return list(sections.items())


def home(request):
    """The signed-in user's work queue (what the apps registered for their role), grouped by section."""
    return render(request, "core/home.html", {"queue_sections": _grouped(queue_for(request.user))})


@login_required
@require_GET
def job_list(request):
    if not request.user.has_perm("core.view_job"):
        raise Http404
    jobs = jobs_visible(user=request.user).select_related("organization", "started_by")[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


def _job(request, pk) -> Job:
    if not request.user.has_perm("core.view_job"):
        raise Http404
    # Scoped (another unit's job is a 404), and a result with unmasked personal data is seen by
    # its starter or a holder of the reveal permission only (a 404 for anyone else).
    return get_object_or_404(jobs_visible(user=request.user), pk=pk)


@login_required
@require_GET
def job_detail(request, pk):
    return render(request, "core/job_detail.html", {"job": _job(request, pk)})


_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def _figures(result) -> dict:
    """The job result's numeric figures (counts, sums as decimal strings) for live pages;
    anything else a result may hold (reports, messages) stays on the job page."""
    if not isinstance(result, dict):
        return {}
    return {
        str(key): value for key, value in result.items()
        if (isinstance(value, (int, float)) and not isinstance(value, bool))
        or (isinstance(value, str) and _NUMBER.match(value))
    }


@login_required
@require_GET
def job_status(request, pk):
    job = _job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "finished": job.is_finished,
            "has_file": bool(job.result_file),
            "result": _figures(job.result),
        }
    )


@login_required
@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if not job.result_file:
        raise Http404
    name = job.result_file.name.rsplit("/", 1)[-1]
    job_download_record(job=job, actor=request.user)
    response = FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response
