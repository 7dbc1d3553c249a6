"""/api/v1/welfare/mutual-aid/…"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import ClaimViewSet, EnrolmentViewSet, PlanViewSet

router = SimpleRouter()
router.register("mutual-aid/plans", PlanViewSet, basename="mutual-aid-plan")
router.register("mutual-aid/enrolments", EnrolmentViewSet, basename="mutual-aid-enrolment")
router.register("mutual-aid/claims", ClaimViewSet, basename="mutual-aid-claim")

urlpatterns = [path("", include(router.urls))]
