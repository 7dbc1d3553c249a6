"""Competition pages: teachers register (urls_teacher), judges score (urls_judge), anyone
verifies a certificate (urls_public)."""

from django.urls import include, path

app_name = "competitions"

urlpatterns = [
    path("", include("apps.competitions.urls_teacher")),
    path("judge/", include("apps.competitions.urls_judge")),
    path("", include("apps.competitions.urls_public")),
]
