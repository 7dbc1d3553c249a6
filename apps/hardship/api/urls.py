"""/api/v1/welfare/hardship/…, /api/v1/welfare/love-fund/…, /api/v1/welfare/my-aid/"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import ApplicationViewSet, EntryViewSet, FileViewSet, FundViewSet, MyAidView

router = SimpleRouter()
router.register("hardship/files", FileViewSet, basename="hardship-file")
router.register("hardship/applications", ApplicationViewSet, basename="hardship-application")
router.register("love-fund/funds", FundViewSet, basename="love-fund")
router.register("love-fund/entries", EntryViewSet, basename="love-fund-entry")

urlpatterns = [
    path("my-aid/", MyAidView.as_view(), name="welfare-my-aid"),
    path("", include(router.urls)),
]
