"""Error pages that speak the client's language: JSON under /api/, the usual page elsewhere.

An address the API's URL patterns do not match (``/api/v1/competitions/results/abc/preview/``)
never reaches DRF, so without this it would answer an HTML page where the schema documents
``{"detail": …}``."""

from __future__ import annotations

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "请求无效。"}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "服务器内部错误。"}, status=500)
    return defaults.server_error(request)
