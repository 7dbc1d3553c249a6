"""/api/v1/welfare/… (service points and cross-university booking)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import BookingViewSet, ResourceViewSet, ServicePointViewSet, SlotViewSet

router = SimpleRouter()
router.register("service-points", ServicePointViewSet, basename="welfare-service-point")
router.register("resources", ResourceViewSet, basename="welfare-resource")
router.register("slots", SlotViewSet, basename="welfare-slot")
router.register("bookings", BookingViewSet, basename="welfare-booking")

urlpatterns = [path("", include(router.urls))]
