"""Competition pages: teachers register (urls/teacher.py), judges score (urls/judge.py),
anyone verifies a certificate (urls/public.py)."""

from django.urls import include, path

app_name = "competitions"

urlpatterns = [
    path("", include("apps.competitions.urls.teacher")),
    path("judge/", include("apps.competitions.urls.judge")),
    path("", include("apps.competitions.urls.public")),
]
