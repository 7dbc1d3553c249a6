"""/api/v1/welfare/…: activities, sessions (draw, verify, no-shows, cost record, check-in
token, Excel), applications (apply, withdraw, confirm, check-in), draws (published seed,
frozen list, result, verify) and clubs (join, participation per year).

Everything goes through the services; outside the acting scope an object is a 404."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin

from .. import services
from ..eligibility import member_check
from ..exporting import KINDS, session_xlsx_response
from ..models import Activity, Application, Club, Session
from ..selectors import club_participation, member_of
from .serializers import (
    ActivitySerializer, ApplicationSerializer, ApplySerializer, ClubSerializer, CostSerializer, CountSerializer,
    DrawResultSerializer, DrawSerializer, ParticipationRowSerializer, SessionSerializer, TokenSerializer,
    VerifySerializer,
)

DIGITS = r"[0-9]+"
APPLY = "activities.apply_activity"
ORGANISE = "activities.change_session"


def _member(request):
    member = member_of(request.user)
    if member is None:
        raise exceptions.ValidationError({"member": ["您的账号尚未绑定会员信息。"]})
    return member


class ActivityViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Activities of the acting subtree; for a member, the published ones open to them."""

    model = Activity
    serializer_class = ActivitySerializer
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"eligibility": APPLY}

    def get_queryset(self):
        return (Activity.objects.select_related("organization").prefetch_related("sessions__activity")
                .order_by("-opens_at", "-id"))

    def perform_create(self, serializer):
        activity = Activity(**serializer.validated_data)
        services.activity_save(activity=activity, actor=self.request.user)
        serializer.instance = activity

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        """Whether the acting member may apply, and every rule they fail (in Chinese)."""
        activity = self.get_object()
        session = activity.sessions.order_by("starts_on").first()
        refusals = member_check(activity=activity, member=_member(request),
                                day=session.starts_on) if session else []
        return Response({"eligible": not refusals, "refusals": [str(r) for r in refusals]})


class SessionViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    model = Session
    serializer_class = SessionSerializer
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"draw": ORGANISE, "no_shows": ORGANISE, "settle": "activities.add_costrecord",
                          "checkin_token": ORGANISE, "export": ORGANISE}

    def get_queryset(self):
        return Session.objects.select_related("activity").order_by("activity_id", "starts_on", "id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        get_object_or_404(Activity.objects.all(), pk=data["activity"].pk)  # scoped: their own activity only
        session = Session(**data)
        services.session_save(session=session, actor=self.request.user)
        serializer.instance = session

    @extend_schema(request=DrawSerializer, responses={200: SessionSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        """Draw now (after the window closed) with the given seed, or a random one published with the result."""
        serializer = DrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_draw(session=self.get_object(), actor=request.user,
                                        seed=serializer.validated_data["seed"])
        return Response(SessionSerializer(session).data)

    @extend_schema(request=None, responses={200: CountSerializer})
    @action(detail=True, methods=["post"], url_path="no-shows")
    def no_shows(self, request, pk=None):
        count = services.session_record_no_shows(session=self.get_object(), actor=request.user)
        return Response({"count": count})

    @extend_schema(request=None, responses={200: CostSerializer})
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        """The session's cost record for the ledger (vendor payment or subsidy), once."""
        record = services.session_settle(session=self.get_object(), actor=request.user)
        return Response(CostSerializer(record).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], url_path="checkin-token")
    def checkin_token(self, request, pk=None):
        """The signed token of the venue QR code (``/activities/checkin/<token>/``)."""
        token = services.checkin_token(self.get_object())
        return Response({"token": token, "url": request.build_absolute_uri(f"/activities/checkin/{token}/")})

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=list(KINDS), required=True)],
                   responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        kind = request.query_params.get("kind", "")
        if kind not in KINDS:
            raise exceptions.ValidationError({"kind": [f"应为：{'、'.join(KINDS)}。"]})
        return session_xlsx_response(session=self.get_object(), kind=kind, actor=request.user)


class ApplicationViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications: a member's own, an organiser's subtree's. POST applies for a session."""

    model = Application
    serializer_class = ApplicationSerializer
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"create": APPLY, "withdraw": "activities.view_application", "confirm": APPLY,
                          "check_in": "activities.change_application", "checkin_by_token": APPLY}

    def get_queryset(self):
        ahead = (Application._base_manager.filter(session=OuterRef("session"), status="waitlisted",
                                                  wait_rank__lt=OuterRef("wait_rank"))
                 .order_by().values("session").annotate(n=Count("id")).values("n"))
        return (Application.objects.select_related("member", "organization", "session")
                .annotate(ahead=Coalesce(Subquery(ahead), 0)).order_by("session_id", "id"))

    @extend_schema(request=ApplySerializer, responses={201: ApplicationSerializer})
    def create(self, request):
        serializer = ApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = Session.objects.select_related("activity__organization").filter(pk=data.pop("session")).first()
        if session is None:
            raise exceptions.ValidationError({"session": ["没有这个期次。"]})
        application = services.application_apply(session=session, member=_member(request), actor=request.user,
                                                 **data)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw (the member, or the organiser for them); the next waiting person is promoted."""
        application = self.get_object()
        member = member_of(request.user)
        if not (member is not None and application.member_id == member.pk) and \
                not request.user.has_perm("activities.change_application"):
            raise exceptions.NotFound()
        withdrawn, _promoted = services.application_withdraw(application=application, actor=request.user)
        return Response(ApplicationSerializer(withdrawn).data)

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        application = self.get_object()
        member = member_of(request.user)
        if member is None or application.member_id != member.pk:
            raise exceptions.NotFound()
        return Response(ApplicationSerializer(services.application_confirm(application=application,
                                                                           actor=request.user)).data)

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """The organiser's list check-in."""
        application = services.application_check_in(application=self.get_object(), actor=request.user)
        return Response(ApplicationSerializer(application).data)

    @extend_schema(request=TokenSerializer, responses={200: ApplicationSerializer})
    @action(detail=False, methods=["post"], url_path="checkin")
    def checkin_by_token(self, request):
        """The member's check-in with the token of the venue's QR code."""
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.member_check_in_by_token(token=serializer.validated_data["token"],
                                                         member=_member(request), actor=request.user)
        return Response(ApplicationSerializer(application).data)


class DrawViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Drawn sessions: the published seed, the frozen applicant list and its SHA-256, the
    result; ``verify`` recomputes it."""

    model = Session
    serializer_class = DrawResultSerializer
    lookup_value_regex = DIGITS

    def get_queryset(self):
        return Session.objects.filter(drawn_at__isnull=False).select_related("activity").order_by("-drawn_at", "id")

    @extend_schema(responses={200: VerifySerializer})
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        return Response(services.session_verify_draw(session=self.get_object()))


class ClubViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Interest clubs (兴趣汇); any member may join; participation counted per club and year."""

    model = Club
    serializer_class = ClubSerializer
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"join": APPLY, "participation": "activities.view_club"}

    def get_queryset(self):
        return (Club.objects.select_related("organization").annotate(member_count=Count("memberships"))
                .order_by("name"))

    def perform_create(self, serializer):
        club = Club(**serializer.validated_data)
        services.club_save(club=club, actor=self.request.user)
        serializer.instance = Club.objects.annotate(member_count=Count("memberships")).get(pk=club.pk)

    @extend_schema(request=None, responses={200: ClubSerializer})
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        club = self.get_object()
        services.club_join(club=club, member=_member(request), actor=request.user)
        return Response(ClubSerializer(self.get_queryset().get(pk=club.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses={200: ParticipationRowSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def participation(self, request):
        year = request.query_params.get("year") or None
        if year is not None and (not year.isdigit() or not 2000 <= int(year) <= 2100):
            raise exceptions.ValidationError({"year": ["年度应为 2000–2100 的整数。"]})
        return Response(club_participation(year=int(year) if year else None))
