"""/api/v1/welfare/… (从教30周年, milestones, outbox)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import HonoreeViewSet, MilestonesRunView, OutboxViewSet, RollViewSet

router = SimpleRouter()
router.register("thirty-years/honorees", HonoreeViewSet, basename="welfare-thirty-honoree")
router.register("thirty-years", RollViewSet, basename="welfare-thirty-roll")
router.register("outbox", OutboxViewSet, basename="welfare-outbox")

urlpatterns = [
    path("milestones/run/", MilestonesRunView.as_view(), name="welfare-milestones-run"),
    path("", include(router.urls)),
]
