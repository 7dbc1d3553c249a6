"""/api/v1/competitions/score-sheets/ (judges' own sheets) and /results/{edition}/… (the
municipal admin's aggregation, advancement, prize preview and publication).

Judges (``competitions.score_entry``) list, create, update and submit their own sheets, only
ever for entries of ``entries_for_judge`` (anything else is a 404); in blind mode they get no
names or units. The municipal admin (``view_scoresheet``) reads every sheet and cannot write.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from apps.accounts.permissions import PUBLISH_EDITION, SCORE_ENTRY
from apps.core.api import ScopedAPIMixin

from ..enums import SheetStatus
from ..models import Award, Certificate, Edition, Entry, Group, JudgeAssignment, ScoreSheet, Stage, StageResult
from ..selectors import criteria_for_pairs, entries_for_judge
from ..services.judging import sheet_save, sheet_submit
from ..services.prizes import edition_publish, prize_preview
from ..services.scoring import stage_advance, stage_aggregate
from ..visibility import entry_blind_for

VIEW_SHEETS = "competitions.view_scoresheet"
KEEP_EDITION = "competitions.change_edition"
NOT_FOUND = "评审任务中没有这个参赛作品。"


# --- score sheets ------------------------------------------------------------------------


class ScoreLineSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="评分项 id")
    name = serializers.CharField(read_only=True)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)
    value = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True,
                                     help_text="0 到该项分值；null 清除")


def _blind_for(request, sheet) -> bool:
    viewer = request.user if request is not None else AnonymousUser()  # no viewer: the blind view
    return entry_blind_for(edition=sheet.entry.edition, viewer=viewer)


class ScoreSheetSerializer(serializers.ModelSerializer):
    entry_code = serializers.CharField(source="entry.code", read_only=True)
    course_title = serializers.CharField(source="entry.course_title", read_only=True)
    entrant = serializers.SerializerMethodField(help_text="参赛者或团队（盲评时为空）")
    unit = serializers.SerializerMethodField(help_text="参赛单位（盲评时为空）")
    group = serializers.IntegerField(source="entry.group_id", read_only=True)
    group_name = serializers.CharField(source="entry.group.name", read_only=True)
    stage = serializers.IntegerField(source="assignment.stage_id", read_only=True)
    stage_name = serializers.CharField(source="assignment.stage.name", read_only=True)
    judge = serializers.CharField(source="assignment.judge.username", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSheet
        fields = ["id", "entry", "entry_code", "course_title", "entrant", "unit", "group", "group_name", "stage",
                  "stage_name", "judge", "status", "total", "submitted_at", "updated_at", "scores"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_entrant(self, sheet):
        return None if _blind_for(self.context.get("request"), sheet) else sheet.entry.display_name

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, sheet):
        return None if _blind_for(self.context.get("request"), sheet) else sheet.entry.organization.name

    @extend_schema_field(ScoreLineSerializer(many=True))
    def get_scores(self, sheet):
        values = {s.criterion_id: s.value for s in sheet.scores.all()}
        key = (sheet.assignment.stage_id, sheet.assignment.group_id)
        sheets = self.context.get("_criteria")
        if sheets is None or key not in sheets:  # every sheet of the response at once, not one read per sheet
            root = self.root.instance
            page = list(root) if isinstance(root, (list, tuple, QuerySet)) else [root]
            pairs = {(s.assignment.stage_id, s.assignment.group_id) for s in page if isinstance(s, ScoreSheet)}
            sheets = criteria_for_pairs(pairs=pairs | {key})
            self.context["_criteria"] = sheets
        return ScoreLineSerializer([{"criterion": c.pk, "name": c.name, "weight": c.weight, "value": values.get(c.pk)}
                                    for c in sheets[key]], many=True).data


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="评分项 id")
    value = serializers.CharField(allow_null=True, allow_blank=True, help_text="0 到该项分值，最多两位小数；空值清除")


class ScoreSheetWriteSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text="参赛报名 id")
    stage = serializers.IntegerField(help_text="轮次 id")
    scores = ScoreInputSerializer(many=True, required=False, default=list)


class ScoreSheetUpdateSerializer(serializers.Serializer):
    scores = ScoreInputSerializer(many=True)


class ScoreSheetSubmitSerializer(serializers.Serializer):
    scores = ScoreInputSerializer(many=True, required=False, default=list,
                                  help_text="可同时提交最后的分数；提交后锁定")


class JudgeEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    course_title = serializers.CharField()
    entrant = serializers.CharField(allow_null=True, help_text="盲评时为空")
    unit = serializers.CharField(allow_null=True, help_text="盲评时为空")
    group = serializers.IntegerField()
    group_name = serializers.CharField()
    stage = serializers.IntegerField()
    sheet = serializers.IntegerField(allow_null=True)
    sheet_status = serializers.CharField(allow_null=True)
    total = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class JudgeOrKeeper(BasePermission):
    """Judges (score_entry) may read and write (the queryset holds only their own sheets);
    holders of view_scoresheet (the municipal admin) may only read. Fail closed."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if user.has_perm(SCORE_ENTRY):
            return True
        return request.method in SAFE_METHODS and user.has_perm(VIEW_SHEETS)


class ScoreSheetFilter(django_filters.FilterSet):
    edition = django_filters.NumberFilter(field_name="assignment__stage__edition_id")
    stage = django_filters.NumberFilter(field_name="assignment__stage_id")
    group = django_filters.NumberFilter(field_name="assignment__group_id")
    status = django_filters.ChoiceFilter(choices=SheetStatus.choices)

    class Meta:
        model = ScoreSheet
        fields = ()


def _scores(lines) -> dict:
    return {line["criterion"]: line["value"] for line in lines}


class ScoreSheetViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Score sheets: a judge's own (only entries they may see), or every sheet read-only for
    the municipal admin. Create/update save a draft; ``submit`` locks the sheet."""

    model = ScoreSheet
    serializer_class = ScoreSheetSerializer
    permission_classes = [JudgeOrKeeper]
    filterset_class = ScoreSheetFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def _judge(self) -> bool:
        return self.request.user.has_perm(SCORE_ENTRY)

    def get_queryset(self):
        base = ScoreSheet.objects.select_related(
            "entry", "entry__group", "entry__organization", "entry__member", "entry__edition",
            "assignment", "assignment__stage", "assignment__judge").prefetch_related("scores")
        if getattr(self, "swagger_fake_view", False):
            return base.none()
        if self._judge():
            return base.filter(assignment__judge=self.request.user,
                               entry__in=entries_for_judge(judge=self.request.user).values("pk")).order_by("-updated_at", "id")
        return base.order_by("assignment__stage_id", "entry_id", "id")

    def _respond(self, sheet, code=status.HTTP_200_OK):
        sheet = self.get_queryset().get(pk=sheet.pk)
        return Response(self.get_serializer(sheet).data, status=code)

    def _call(self, fn, **kwargs):
        try:
            return fn(actor=self.request.user, judge=self.request.user, **kwargs)
        except Entry.DoesNotExist as exc:
            raise NotFound(NOT_FOUND) from exc

    @extend_schema(request=ScoreSheetWriteSerializer, responses={201: ScoreSheetSerializer, 200: ScoreSheetSerializer})
    def create(self, request, *args, **kwargs):
        """Save a draft for an entry in a stage (a second call updates the same sheet)."""
        data = ScoreSheetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stage = Stage.objects.filter(pk=data.validated_data["stage"]).select_related("edition").first()
        if stage is None:
            raise NotFound(NOT_FOUND)
        existed = ScoreSheet.objects.filter(assignment__judge=request.user, assignment__stage=stage,
                                            entry_id=data.validated_data["entry"]).exists()
        sheet = self._call(sheet_save, entry=data.validated_data["entry"], stage=stage,
                           scores=_scores(data.validated_data["scores"]))
        return self._respond(sheet, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def _update(self, request):
        sheet = self.get_object()
        data = ScoreSheetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = self._call(sheet_save, entry=sheet.entry, stage=sheet.assignment.stage,
                           scores=_scores(data.validated_data["scores"]))
        return self._respond(sheet)

    @extend_schema(request=ScoreSheetUpdateSerializer, responses=ScoreSheetSerializer)
    def update(self, request, *args, **kwargs):
        """Change a draft's scores (a submitted sheet is locked)."""
        return self._update(request)

    @extend_schema(request=ScoreSheetUpdateSerializer, responses=ScoreSheetSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change some of a draft's scores (a submitted sheet is locked)."""
        return self._update(request)

    @extend_schema(request=ScoreSheetSubmitSerializer, responses=ScoreSheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """Submit and lock the sheet; every criterion must be scored. A second submit is a no-op."""
        sheet = self.get_object()
        data = ScoreSheetSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = self._call(sheet_submit, entry=sheet.entry, stage=sheet.assignment.stage,
                           scores=_scores(data.validated_data["scores"]) or None)
        return self._respond(sheet)

    @extend_schema(
        summary="我可以评审的作品（按轮次、组别筛选）",
        parameters=[OpenApiParameter("stage", int, description="轮次 id"),
                    OpenApiParameter("group", int, description="组别 id")],
        filters=False,
        responses=JudgeEntrySerializer(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def entries(self, request, **kwargs):
        """The entries this judge scores (conflicts left out), with their sheet, if any.
        Optional query parameters ``stage`` and ``group`` (ids)."""
        user = request.user
        rows = []
        # the judge's person scope: their assignments, their entries minus conflicts, their sheets
        assignments = JudgeAssignment.objects.filter(judge=user).select_related("stage", "stage__edition")
        for key in ("stage", "group"):
            value = request.query_params.get(key)
            if value is not None:
                if not value.isdigit():
                    return Response([])
                assignments = assignments.filter(**{f"{key}_id": int(value)})
        assignments = list(assignments.order_by("stage_id", "group_id"))
        # every assigned entry (conflicts out) and every sheet in two queries, then per assignment
        everything = list(entries_for_judge(judge=user).filter(group_id__in={a.group_id for a in assignments})
                          .select_related("organization", "member", "group", "current_stage").order_by("code"))
        sheets_of = {(s.assignment_id, s.entry_id): s for s in ScoreSheet.objects.filter(assignment__in=assignments)}
        for a in assignments:
            entries = [e for e in everything if e.group_id == a.group_id and e.edition_id == a.stage.edition_id
                       and e.current_stage is not None and e.current_stage.order >= a.stage.order]
            sheets = {e.pk: sheets_of[(a.pk, e.pk)] for e in entries if (a.pk, e.pk) in sheets_of}
            blind = entry_blind_for(edition=a.stage.edition, viewer=user)
            for e in entries:
                sheet = sheets.get(e.pk)
                rows.append({"id": e.pk, "code": e.code, "course_title": e.course_title,
                             "entrant": None if blind else e.display_name,
                             "unit": None if blind else e.organization.name,
                             "group": e.group_id, "group_name": e.group.name, "stage": a.stage_id,
                             "sheet": sheet.pk if sheet else None, "sheet_status": sheet.status if sheet else None,
                             "total": sheet.total if sheet else None})
        return Response(JudgeEntrySerializer(rows, many=True).data)


# --- results: aggregation, advancement, preview, publication -----------------------------


class LevelCountsSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    third = serializers.IntegerField()


class LevelTotalsSerializer(LevelCountsSerializer):
    all = serializers.IntegerField()


class PreviewTotalsSerializer(serializers.Serializer):
    prize = LevelTotalsSerializer()
    paper = LevelTotalsSerializer()
    single = serializers.IntegerField()
    supervisor = serializers.IntegerField()
    organisation = serializers.IntegerField()
    awards = serializers.IntegerField()
    ranked = serializers.IntegerField()


class PreviewRowSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="prize / single / supervisor / organisation；空 = 未获奖")
    kind_display = serializers.CharField()
    award_name = serializers.CharField()
    level = serializers.CharField()
    level_display = serializers.CharField()
    group_id = serializers.IntegerField(allow_null=True)
    group = serializers.CharField()
    paper = serializers.BooleanField()
    entry_id = serializers.IntegerField(allow_null=True)
    entry_code = serializers.CharField()
    name = serializers.CharField(help_text="获奖者：个人或团队、指导教师、单位")
    entrant = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()
    score = serializers.DecimalField(max_digits=7, decimal_places=3, allow_null=True)
    judges = serializers.IntegerField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)


class PreviewGroupSerializer(serializers.Serializer):
    group_id = serializers.IntegerField()
    group = serializers.CharField()
    code = serializers.CharField()
    track = serializers.CharField()
    paper = serializers.BooleanField()
    ranked = serializers.IntegerField()
    rules = serializers.CharField()
    counts = LevelCountsSerializer()
    rows = PreviewRowSerializer(many=True)
    awards = PreviewRowSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    edition_id = serializers.IntegerField()
    edition = serializers.CharField()
    status = serializers.CharField()
    published = serializers.BooleanField()
    stage_id = serializers.IntegerField(allow_null=True)
    stage = serializers.CharField()
    groups = PreviewGroupSerializer(many=True)
    awards = PreviewRowSerializer(many=True)
    totals = PreviewTotalsSerializer()
    warnings = serializers.ListField(child=serializers.CharField())


class StageInputSerializer(serializers.Serializer):
    stage = serializers.IntegerField(help_text="本届的轮次 id")
    group = serializers.IntegerField(required=False, allow_null=True, help_text="只处理一个组别（可选）")


class StageResultSerializer(serializers.ModelSerializer):
    entry_code = serializers.CharField(source="entry.code")
    group = serializers.IntegerField(source="entry.group_id")
    group_name = serializers.CharField(source="entry.group.name")
    name = serializers.CharField(source="entry.display_name")
    unit = serializers.CharField(source="entry.organization.name")

    class Meta:
        model = StageResult
        fields = ["id", "stage", "entry", "entry_code", "group", "group_name", "name", "unit", "score", "judges",
                  "rank", "advanced"]
        read_only_fields = fields


class PublishResultSerializer(serializers.Serializer):
    edition_id = serializers.IntegerField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField()
    awards = serializers.IntegerField()
    certificates = serializers.IntegerField()
    totals = PreviewTotalsSerializer()


class EditionResultsViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """The municipal admin's results of an edition: recompute a stage, advance a stage, preview
    the prize list, publish (one audited step; a second time is refused)."""

    model = Edition
    serializer_class = PreviewSerializer
    action_permissions = {"preview": KEEP_EDITION, "aggregate": KEEP_EDITION, "advance": KEEP_EDITION,
                          "publish": PUBLISH_EDITION}

    def get_queryset(self):
        return Edition.objects.all()

    def _stage(self, edition, request):
        data = StageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stage = Stage.objects.filter(pk=data.validated_data["stage"], edition=edition).first()
        if stage is None:
            raise serializers.ValidationError({"stage": ["本届没有这个轮次。"]})
        group = None
        if data.validated_data.get("group"):
            group = Group.objects.filter(pk=data.validated_data["group"], edition=edition).first()
            if group is None:
                raise serializers.ValidationError({"group": ["本届没有这个组别。"]})
        return stage, group

    def _results(self, rows):
        return Response(StageResultSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=PreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None, **kwargs):
        """预览获奖名单: the final ranking per group with prize bands and every award (writes nothing)."""
        edition = get_object_or_404(Edition, pk=pk)
        return Response(PreviewSerializer(prize_preview(edition=edition)).data)

    @extend_schema(request=StageInputSerializer, responses=StageResultSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None)  # a list, not a page
    def aggregate(self, request, pk=None, **kwargs):
        """Recompute a stage's results (trimmed mean, tie-break, ranks per group)."""
        edition = get_object_or_404(Edition, pk=pk)
        stage, group = self._stage(edition, request)
        rows = stage_aggregate(stage=stage, group=group, actor=request.user)
        return self._results(rows)

    @extend_schema(request=StageInputSerializer, responses=StageResultSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None)  # a list, not a page
    def advance(self, request, pk=None, **kwargs):
        """Advance the top entries of each group to the next stage (idempotent)."""
        edition = get_object_or_404(Edition, pk=pk)
        stage, group = self._stage(edition, request)
        rows = stage_advance(stage=stage, group=group, actor=request.user)
        return self._results(rows)

    @extend_schema(request=None, responses=PublishResultSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, **kwargs):
        """发布结果: awards, certificates and the talent pool in one audited step; refused the
        second time ("本届结果已发布")."""
        edition = get_object_or_404(Edition, pk=pk)
        edition = edition_publish(edition=edition, actor=request.user)
        awards = Award.objects.filter(edition=edition).count()  # the keeper's scope: the whole city
        certificates = Certificate.objects.filter(award__edition=edition).count()
        totals = prize_preview(edition=edition)["totals"]
        return Response(PublishResultSerializer({
            "edition_id": edition.pk, "status": edition.status, "published_at": edition.published_at,
            "awards": awards, "certificates": certificates, "totals": totals}).data)


def register(router) -> None:
    router.register("score-sheets", ScoreSheetViewSet, basename="competition-score-sheet")
    router.register("results", EditionResultsViewSet, basename="competition-results")
