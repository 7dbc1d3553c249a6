"""/api/v1/legal-aid/…: consultations (ask, read, every move, thread, attachments) and the
lawyer pool. Everything goes through the services; a consultation the acting user may not
see is a 404 (a member: their own; a lawyer: assigned to them; the centre: all)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ScopedAPIMixin

from .. import services
from ..enums import ConsultationCategory, ConsultationStatus
from ..models import Consultation
from .serializers import (
    ConsultationAskSerializer, ConsultationAttachmentSerializer, ConsultationAttachmentUploadSerializer, ConsultationSerializer,
    ConsultationTransitionSerializer, LawyerPoolSerializer, ConsultationMessageSerializer,
)


class ConsultationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ConsultationStatus.choices)
    category = django_filters.ChoiceFilter(choices=ConsultationCategory.choices)

    class Meta:
        model = Consultation
        fields = ()


class ConsultationViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    model = Consultation
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "head", "options"]
    required_permission = "legal_aid.view_consultation"
    action_permissions = {"create": services.ASK_PERMISSION, "transition": "legal_aid.view_consultation",
                          "messages": "legal_aid.view_consultationmessage",
                          "attachments": "legal_aid.view_consultationattachment"}

    def get_queryset(self):
        return Consultation.objects.select_related("asker_unit", "lawyer", "case").order_by("-created_at", "-id")

    def retrieve(self, request, *args, **kwargs):
        consultation = self.get_object()
        services.consultation_opened(consultation=consultation, actor=request.user, via="api")
        return Response(self.get_serializer(consultation).data)

    @extend_schema(request=ConsultationAskSerializer, responses={201: ConsultationSerializer, 200: ConsultationSerializer},
                   summary="提出法律咨询（同一提交标识只登记一次）")
    def create(self, request, *args, **kwargs):
        data = ConsultationAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation, created = services.consultation_ask(actor=request.user, **data.validated_data)
        return Response(ConsultationSerializer(consultation).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=ConsultationTransitionSerializer, responses=ConsultationSerializer,
                   summary="分配律师、律师答复、追问、结束咨询、转为诉求工单")
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        consultation = self.get_object()
        data = ConsultationTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = services.consultation_transition(consultation=consultation, actor=request.user,
                                                        **data.validated_data)
        return Response(self.get_serializer(consultation).data)

    @extend_schema(responses=ConsultationMessageSerializer(many=True), summary="咨询记录（提问、答复、追问）")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def messages(self, request, pk=None):
        consultation = self.get_object()
        return Response(ConsultationMessageSerializer(consultation.messages.select_related("author"), many=True).data)

    @extend_schema(methods=["GET"], responses=ConsultationAttachmentSerializer(many=True), summary="附件列表")
    @extend_schema(methods=["POST"], request={"multipart/form-data": ConsultationAttachmentUploadSerializer},
                   responses={201: ConsultationAttachmentSerializer}, summary="上传附件（PDF/DOCX，10 MB；咨询人或分配的律师）")
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser], pagination_class=None,
            filter_backends=[])
    def attachments(self, request, pk=None):
        consultation = self.get_object()
        if request.method == "POST":
            data = ConsultationAttachmentUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            attachment = services.consultation_attach(consultation=consultation, upload=data.validated_data["file"],
                                                      actor=request.user)
            return Response(ConsultationAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        return Response(ConsultationAttachmentSerializer(consultation.attachments.order_by("id"), many=True).data)


class LawyerPoolView(ScopedAPIMixin, APIView):
    """The centre's lawyer pool (for assigning)."""

    required_permission = services.ASSIGN_PERMISSION

    @extend_schema(responses=LawyerPoolSerializer(many=True), summary="援助律师库")
    def get(self, request):
        return Response(LawyerPoolSerializer(services.lawyer_pool(), many=True).data)
