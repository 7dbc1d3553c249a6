"""/api/v1/legal-aid/…"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import ConsultationViewSet, LawyerPoolView

router = SimpleRouter()
router.register("consultations", ConsultationViewSet, basename="legal-aid-consultation")

urlpatterns = [
    path("lawyers/", LawyerPoolView.as_view(), name="legal-aid-lawyers"),
    path("", include(router.urls)),
]
