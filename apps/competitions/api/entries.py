"""/api/v1/competitions/entries/: registration (teachers), the unit's review, and reads.

Who sees which entries: unit staff their subtree (the scoped manager), a teacher only their
own entries and the teams they were invited to, a judge only what ``entries_for_judge``
lets through (conflicts of interest removed). Outside that is a 404.

``POST`` registers the logged-in teacher (JSON, or multipart with the documents): 201 with
the new entry, 200 with the existing one for a repeated submit, 409
``{"detail": "本组报名名额已满", "code": "full"}`` when the group is full, 400 otherwise."""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.accounts.permissions import REGISTER_ENTRY, SCORE_ENTRY
from apps.core.api import ScopedAPIMixin, as_drf_error
from apps.organizations.filters import SubtreeFilter

from ..enums import EntryStatus, InvitationStatus
from ..models import Entry, Group, TeamMember
from ..selectors import entries_for_judge, quota_usage, teacher_member_or_none
from ..services.registration import GROUP_FULL, GroupFull, entry_approve, entry_register, entry_reject, entry_withdraw
from ..visibility import entry_visible_fields

VIEW = "competitions.view_entry"
REVIEW = "competitions.change_entry"


class EntryPermissions(BasePermission):
    """Reads: unit staff, teachers and judges (each sees their own slice); registering and
    withdrawing: teachers; approving and rejecting: unit staff."""

    NEEDS = {
        "list": (VIEW, REGISTER_ENTRY, SCORE_ENTRY),
        "retrieve": (VIEW, REGISTER_ENTRY, SCORE_ENTRY),
        "create": (REGISTER_ENTRY,),
        "withdraw": (REGISTER_ENTRY,),
        "approve": (REVIEW,),
        "reject": (REVIEW,),
        "quota": (VIEW,),
    }

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        needs = self.NEEDS.get(getattr(view, "action", None))
        return bool(needs) and any(user.has_perm(p) for p in needs)


class TeamMemberSerializer(serializers.Serializer):
    name = serializers.CharField(source="member.name")
    status = serializers.ChoiceField(choices=InvitationStatus.choices)


class EntrySerializer(serializers.ModelSerializer):
    """An entry as the requesting user may see it: every field that identifies a person or a
    unit comes from ``visibility.entry_visible_fields`` (empty for a judge of a blind edition,
    file names neutral)."""

    edition = serializers.PrimaryKeyRelatedField(read_only=True)
    group = serializers.PrimaryKeyRelatedField(read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    video_url = serializers.URLField(read_only=True, allow_blank=True)  # "" when none was given
    organization = serializers.SerializerMethodField(help_text="参赛单位编码（盲评时为空）")
    organization_name = serializers.SerializerMethodField(help_text="参赛单位（盲评时为空）")
    member_name = serializers.SerializerMethodField(help_text="参赛人（盲评时为空）")
    team_name = serializers.SerializerMethodField(help_text="团队名称（盲评时为空）")
    supervisor_name = serializers.SerializerMethodField(help_text="指导教师（盲评时为空）")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    lesson_plan_name = serializers.SerializerMethodField(help_text="教案文件名（盲评时为“编号-教案.pdf”）")
    lesson_plan_url = serializers.SerializerMethodField()
    teaching_design_name = serializers.SerializerMethodField(help_text="教学设计文件名（盲评时为“编号-教学设计.pdf”）")
    teaching_design_url = serializers.SerializerMethodField()
    team_members = serializers.SerializerMethodField()
    decision_reason = serializers.SerializerMethodField(help_text="单位未通过原因（盲评时为空）")

    class Meta:
        model = Entry
        fields = ("id", "code", "edition", "group", "group_name", "organization", "organization_name",
                  "member_name", "team_name", "status", "status_display", "course_title", "video_url",
                  "supervisor_name", "lesson_plan_name", "lesson_plan_url", "teaching_design_name",
                  "teaching_design_url", "team_members", "decision_reason", "decided_at", "created_at", "updated_at")
        read_only_fields = fields

    def _view(self, obj) -> dict:
        cache = self.__dict__.setdefault("_views", {})
        if obj.pk not in cache:
            request = self.context.get("request")
            viewer = request.user if request is not None else AnonymousUser()  # no viewer: the blind view
            cache[obj.pk] = entry_visible_fields(entry=obj, viewer=viewer)
        return cache[obj.pk]

    def get_organization(self, obj) -> str:
        return self._view(obj)["organization"]

    def get_organization_name(self, obj) -> str:
        return self._view(obj)["organization_name"]

    def get_member_name(self, obj) -> str:
        return self._view(obj)["member_name"]

    def get_team_name(self, obj) -> str:
        return self._view(obj)["team_name"]

    def get_supervisor_name(self, obj) -> str:
        return self._view(obj)["supervisor_name"]

    def get_decision_reason(self, obj) -> str:
        return self._view(obj)["decision_reason"]

    def get_lesson_plan_name(self, obj) -> str:
        return self._view(obj)["lesson_plan_name"]

    def get_teaching_design_name(self, obj) -> str:
        return self._view(obj)["teaching_design_name"]

    def _url(self, obj, kind):
        if not getattr(obj, kind):
            return None
        return reverse("competitions:entry_file", args=[obj.pk, kind])

    def get_lesson_plan_url(self, obj) -> str | None:
        return self._url(obj, "lesson_plan")

    def get_teaching_design_url(self, obj) -> str | None:
        return self._url(obj, "teaching_design")

    @extend_schema_field(TeamMemberSerializer(many=True))
    def get_team_members(self, obj):
        return self._view(obj)["team_members"]


class EntryCreateSerializer(serializers.Serializer):
    group = serializers.IntegerField(help_text="组别 id")
    course_title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    video_url = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    supervisor_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    team_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    lesson_plan = serializers.FileField(required=False, allow_null=True, default=None,
                                        help_text="教案（PDF 或 DOCX，≤10 MB；multipart）")
    teaching_design = serializers.FileField(required=False, allow_null=True, default=None,
                                            help_text="教学设计（PDF 或 DOCX，≤10 MB；multipart）")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


QuotaSerializer = inline_serializer("EntryUnitQuota", {
    "group": serializers.IntegerField(),
    "organization": serializers.CharField(),
    "quota": serializers.IntegerField(),
    "used": serializers.IntegerField(),
    "left": serializers.IntegerField(),
})
FullSerializer = inline_serializer("EntryGroupFull", {
    "detail": serializers.CharField(),
    "code": serializers.CharField(),
})


class EntryFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(field_name="group_id")
    edition = django_filters.NumberFilter(field_name="edition_id")
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices)
    unit = SubtreeFilter()

    class Meta:
        model = Entry
        fields = ()


class EntryViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Competition entries: unit staff see their subtree, teachers their own entries and teams,
    judges their assignments without conflicted units. Outside that is a 404."""

    model = Entry
    serializer_class = EntrySerializer
    filterset_class = EntryFilter
    permission_classes = [EntryPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]

    def _slice(self) -> str:
        user = self.request.user
        if user.has_perm(VIEW):
            return "staff"
        if user.has_perm(REGISTER_ENTRY):
            return "teacher"
        if user.has_perm(SCORE_ENTRY):
            return "judge"
        return "none"

    def get_queryset(self):
        related = ("edition", "group", "organization", "member")
        if getattr(self, "swagger_fake_view", False):
            return Entry._base_manager.none()
        kind = self._slice()
        if kind == "staff":
            queryset = Entry.objects.all()  # scoped to the acting subtree
        elif kind == "teacher":
            member = teacher_member_or_none(user=self.request.user)
            if member is None:
                return Entry._base_manager.none()
            # the teacher's person scope holds their entries and teams; the filter on their
            # member record is the second fence
            queryset = Entry.objects.filter(
                Q(member=member) | Q(pk__in=Entry.objects.filter(
                    team_members__member=member,
                    team_members__status__in=(InvitationStatus.INVITED, InvitationStatus.ACCEPTED)).values("pk")))
        elif kind == "judge":
            queryset = entries_for_judge(judge=self.request.user)
        else:
            return Entry._base_manager.none()
        team = Prefetch("team_members", queryset=TeamMember.objects.select_related("member"))  # scoped
        return queryset.select_related(*related).prefetch_related(team).order_by("group_id", "created_at", "id")

    def _error(self, exc):
        if isinstance(exc, DjangoPermissionDenied):
            raise NotFound() from exc
        raise as_drf_error(exc) from exc

    @extend_schema(
        request={"application/json": EntryCreateSerializer, "multipart/form-data": EntryCreateSerializer},
        responses={201: EntrySerializer, 200: EntrySerializer,
                   409: OpenApiResponse(FullSerializer, description="本组报名名额已满")},
        summary="教师报名（重复提交返回已有报名）",
    )
    def create(self, request, *args, **kwargs):
        data = EntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        group = Group.objects.select_related("edition", "edition__series").filter(pk=fields.pop("group")).first()
        if group is None:
            raise serializers.ValidationError({"group": ["组别不存在。"]})
        try:
            entry, created = entry_register(user=request.user, group=group, **fields)
        except GroupFull:
            return Response({"detail": GROUP_FULL, "code": "full"}, status=status.HTTP_409_CONFLICT)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            self._error(exc)
        return Response(EntrySerializer(entry, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses=EntrySerializer, summary="单位审核通过（不超过本单位名额）")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        entry = self.get_object()
        try:
            entry = entry_approve(entry=entry, actor=request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            self._error(exc)
        return Response(EntrySerializer(entry, context=self.get_serializer_context()).data)

    @extend_schema(request=RejectSerializer, responses=EntrySerializer, summary="单位审核不通过（须填写原因）")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        entry = self.get_object()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entry = entry_reject(entry=entry, actor=request.user, reason=data.validated_data["reason"])
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            self._error(exc)
        return Response(EntrySerializer(entry, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=EntrySerializer, summary="教师撤回报名（报名截止前）")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, **kwargs):
        entry = self.get_object()
        try:
            entry = entry_withdraw(entry=entry, user=request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            self._error(exc)
        return Response(EntrySerializer(entry, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=QuotaSerializer, summary="该报名所属单位在本组的名额：共、已用、剩余")
    @action(detail=True, methods=["get"])
    def quota(self, request, pk=None, **kwargs):
        entry = self.get_object()
        usage = quota_usage(group=entry.group, organization=entry.organization)
        return Response({"group": entry.group_id, "organization": entry.organization.code, **usage})


def register(router) -> None:
    router.register("entries", EntryViewSet, basename="competition-entry")
