"""/api/v1/welfare/… (the activities engine)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import ActivityViewSet, ApplicationViewSet, ClubViewSet, DrawViewSet, SessionViewSet

router = SimpleRouter()
router.register("activities", ActivityViewSet, basename="welfare-activity")
router.register("sessions", SessionViewSet, basename="welfare-session")
router.register("applications", ApplicationViewSet, basename="welfare-application")
router.register("draws", DrawViewSet, basename="welfare-draw")
router.register("clubs", ClubViewSet, basename="welfare-club")

urlpatterns = [path("", include(router.urls))]
