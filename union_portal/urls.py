from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.core.admin_shortcut import view_on_site
from apps.core.api_docs import ApiDocsView
from apps.core.branding import favicon
from apps.core.health import healthz
from apps.core.views import home

admin.site.site_header = "北京市教育工会 · 工作平台"
admin.site.site_title = "北京市教育工会"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("apps.accounts.urls")),
    path("organizations/", include("apps.organizations.urls")),
    path("jobs/", include("apps.core.urls")),
    path("verify/", include("apps.core.urls_verify")),
    path("honours/", include("apps.honours.urls")),
    path("competitions/", include("apps.competitions.urls")),
    # Shadows the admin's own "view on site" route (same address, same name inside the admin):
    # the scoped shortcut answers 404 alike for missing, foreign and malformed ids.
    path("admin/r/<path:content_type_id>/<path:object_id>/", view_on_site, name="admin-view-on-site"),
    path("petitions/", include("apps.petitions.urls")),
    path("legal-aid/", include("apps.legal_aid.urls")),
    path("services/", include("apps.service_points.urls")),
    path("activities/", include("apps.activities.urls")),
    path("welfare/", include("apps.condolences.urls")),
    path("milestones/", include("apps.milestones.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("union_portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a separate file: no inline script, so the CSP holds;
    # an anonymous browser visit goes to the log-in page and back.
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

# JSON under /api/, the usual pages elsewhere.
handler400 = "apps.core.errors.bad_request"
handler404 = "apps.core.errors.not_found"
handler500 = "apps.core.errors.server_error"
