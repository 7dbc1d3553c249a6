"""Everything under /api/v1/. Each app contributes its routes here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from apps.accounts.api.views import MeView, TokenRevokeAllView, TokenRevokeView, TokenView
from apps.core.api_views import JobViewSet
from apps.honours.api.allowances import AllowanceScheduleViewSet
from apps.honours.api.views import HonourViewSet, NominationCampaignViewSet, NominationViewSet
from apps.members.api.views import MemberViewSet
from apps.organizations.api.views import ClusterViewSet, OrganizationViewSet
from apps.payments.api.views import PaymentBatchViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("jobs", JobViewSet, basename="job")
router.register("members", MemberViewSet, basename="member")
router.register("payment-batches", PaymentBatchViewSet, basename="payment-batch")
router.register("honours", HonourViewSet, basename="honour")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("nomination-campaigns", NominationCampaignViewSet, basename="nomination-campaign")
router.register("allowance-schedules", AllowanceScheduleViewSet, basename="allowance-schedule")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/token/revoke-all/", TokenRevokeAllView.as_view(), name="api-token-revoke-all"),
    path("me/", MeView.as_view(), name="api-me"),
    path("competitions/", include("apps.competitions.api.urls")),
    path("petitions/", include("apps.petitions.api.urls")),
    path("legal-aid/", include("apps.legal_aid.api.urls")),
    path("welfare/", include("apps.service_points.api.urls")),
    path("welfare/", include("apps.activities.api.urls")),
    path("welfare/", include("apps.condolences.api.urls")),
    path("welfare/", include("apps.milestones.api.urls")),
    path("welfare/", include("apps.mutual_aid.api.urls")),
    path("welfare/", include("apps.hardship.api.urls")),
    path("", include(router.urls)),
]
