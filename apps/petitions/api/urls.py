"""/api/v1/petitions/…"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ..exchange.api import PlatformExportView, PlatformImportView, PlatformTemplateView
from .views import AccountViewSet, CaseViewSet, CategoryViewSet, RatesExportView, RatesView, WorkQueueView

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="petition-case")
router.register("categories", CategoryViewSet, basename="petition-category")
router.register("accounts", AccountViewSet, basename="petition-account")

urlpatterns = [
    path("work-queue/", WorkQueueView.as_view(), name="petition-work-queue"),
    path("rates/", RatesView.as_view(), name="petition-rates"),
    path("rates/export/", RatesExportView.as_view(), name="petition-rates-export"),
    path("platform/template/", PlatformTemplateView.as_view(), name="petition-platform-template"),
    path("platform/import/", PlatformImportView.as_view(), name="petition-platform-import"),
    path("platform/export/", PlatformExportView.as_view(), name="petition-platform-export"),
    path("", include(router.urls)),
]
