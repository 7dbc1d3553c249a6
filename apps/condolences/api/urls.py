"""/api/v1/welfare/… (condolences: policies, campaigns, occasions, distributions)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import CampaignViewSet, DistributionViewSet, OccasionViewSet, PolicyViewSet

router = SimpleRouter()
router.register("policies", PolicyViewSet, basename="welfare-policy")
router.register("campaigns", CampaignViewSet, basename="welfare-campaign")
router.register("occasions", OccasionViewSet, basename="welfare-occasion")
router.register("distributions", DistributionViewSet, basename="welfare-distribution")

urlpatterns = [path("", include(router.urls))]
