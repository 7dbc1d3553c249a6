from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("honours/", include("apps.honours.urls")),
    path("competitions/", include("apps.competitions.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("union_portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

