from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Job


def home(request):
    return render(request, "core/home.html")


@login_required
@require_GET
def job_list(request):
    if not request.user.has_perm("core.view_job"):
        raise Http404
    jobs = Job.objects.select_related("organization", "started_by")[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


def _job(request, pk) -> Job:
    if not request.user.has_perm("core.view_job"):
        raise Http404
    return get_object_or_404(Job, pk=pk)  # scoped: another unit's job is a 404


@login_required
@require_GET
def job_detail(request, pk):
    return render(request, "core/job_detail.html", {"job": _job(request, pk)})


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
        }
    )


@login_required
@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if not job.result_file:
        raise Http404
    name = job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
