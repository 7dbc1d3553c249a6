"""Staff admin (Chinese, scoped): service points with recognitions and photos, bookable
resources with their weekly patterns (and generating slots), slots with their bookings
counted, bookings (check in, no-show, cancel — all through ``booking_transition``; Excel of
bookings and attendance), and the fair-use rules (municipal admin only). Writes go through
the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ReadOnlyAdmin, ReadOnlyInline, ScopedAdmin
from apps.core.audit import audit_record
from apps.core.uploads import check_image

from . import registry, services
from .enums import BookingAction
from .exporting import bookings_xlsx_response, points_xlsx_response
from .models import LIVE, Booking, FairUsePolicy, PointPhoto, Recognition, Resource, ServicePoint, Slot, SlotPattern


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


class RecognitionInline(ReadOnlyInline):
    model = Recognition
    fields = ("year", "level", "title", "amount", "nominated_by", "note")
    verbose_name_plural = _("认定与资助（在“认定与资助”中登记）")


class PhotoForm(forms.ModelForm):
    class Meta:
        model = PointPhoto
        fields = ("file",)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and not self.instance.pk:
            try:
                check_image(upload, max_bytes=registry.PHOTO_MAX_BYTES)
            except ValidationError as exc:
                raise forms.ValidationError(exc.message_dict["file"]) from exc
        return upload


class PhotoInline(admin.TabularInline):
    """Photos: added here (JPEG/PNG checked by content, through ``point_photo_add``), never
    changed or deleted from the point's page."""

    model = PointPhoto
    form = PhotoForm
    extra = 1
    can_delete = False
    fields = ("file", "original_name", "uploaded_at")
    readonly_fields = ("original_name", "uploaded_at")
    verbose_name_plural = _("照片（JPEG/PNG，5 MB）")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("service_points.add_pointphoto")


@admin.register(ServicePoint)
class ServicePointAdmin(ScopedAdmin):
    list_display = ("name", "kind", "organization", "district", "opening_hours", "is_active")
    list_filter = ("kind", "district", "is_active")
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name", "address")
    autocomplete_fields = ("organization",)
    inlines = (RecognitionInline, PhotoInline)
    actions = ("export_xlsx",)

    def save_model(self, request, obj, form, change):
        registry.service_point_save(point=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not PointPhoto:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for photo_form in formset.forms:
            upload = photo_form.cleaned_data.get("file") if photo_form.has_changed() else None
            if upload is not None and not photo_form.instance.pk:
                formset.new_objects.append(
                    registry.point_photo_add(point=form.instance, upload=upload, actor=request.user))

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("导出所选服务阵地到 Excel"))
    def export_xlsx(self, request, queryset):
        return points_xlsx_response(queryset, actor=request.user)


@admin.register(Recognition)
class RecognitionAdmin(ScopedAdmin):
    list_display = ("year", "title", "level", "point", "amount", "nominated_by")
    list_filter = ("year", "level", "point__kind")
    list_select_related = ("point", "nominated_by")
    search_fields = ("title", "point__name", "point__organization__name")
    autocomplete_fields = ("point",)

    def save_model(self, request, obj, form, change):
        registry.recognition_save(recognition=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class PatternInline(admin.TabularInline):
    model = SlotPattern
    extra = 0
    fields = ("weekday", "start_time", "end_time", "capacity")


@admin.register(Resource)
class ResourceAdmin(ScopedAdmin):
    list_display = ("name", "kind", "organization", "district", "audience", "reserved_own", "is_open")
    list_filter = ("kind", "district", "audience", "is_open")
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization", "point")
    inlines = (PatternInline,)
    actions = ("materialise_four_weeks",)

    def save_model(self, request, obj, form, change):
        services.resource_save(resource=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        for pattern in formset.save(commit=False):
            services.pattern_save(pattern=pattern, actor=request.user)
        for pattern in formset.deleted_objects:
            audit_record(actor=request.user, action="service_points.pattern_delete", target=pattern.resource,
                         data={"weekday": pattern.weekday, "start": f"{pattern.start_time:%H:%M}"})
            pattern.delete()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("按每周时段生成未来 4 周的预约时段"))
    def materialise_four_weeks(self, request, queryset):
        if not request.user.has_perm("service_points.add_slotpattern"):
            raise PermissionDenied
        for resource in queryset:
            try:
                created = services.slots_materialise(resource=resource, start=timezone.localdate(), weeks=4,
                                                     actor=request.user)
                messages.success(request, f"{resource.name}：新增 {created} 个时段。")
            except ValidationError as exc:
                _errors(request, exc)


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ("starts_at", "ends_at", "resource", "capacity", "reserved_own", "booked")
    list_filter = ("resource__kind",)
    list_select_related = ("resource__organization",)
    search_fields = ("resource__name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(live=Count("bookings", filter=Q(bookings__status__in=LIVE)))

    @admin.display(description=_("已预约"), ordering="live")
    def booked(self, obj):
        return obj.live


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("slot", "user", "organization", "own_staff", "status", "created_at", "checked_in_at")
    list_filter = ("status", "own_staff", "slot__resource__kind")
    list_select_related = ("slot__resource__organization", "user", "organization")
    search_fields = ("user__full_name", "user__username", "slot__resource__name")
    actions = ("check_in", "mark_no_show", "cancel", "export_xlsx")

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm(services.HOST_PERMISSION)  # actions only

    def _move(self, request, queryset, action_name: str) -> None:
        done = 0
        for booking in queryset:
            try:
                services.booking_transition(booking=booking, action=action_name, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{booking}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            messages.success(request, f"已办理 {done} 条预约：{BookingAction(action_name).label}。")

    @admin.action(description=_("签到"), permissions=["change"])
    def check_in(self, request, queryset):
        self._move(request, queryset, BookingAction.CHECK_IN)

    @admin.action(description=_("记为爽约"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._move(request, queryset, BookingAction.NO_SHOW)

    @admin.action(description=_("取消预约"), permissions=["change"])
    def cancel(self, request, queryset):
        self._move(request, queryset, BookingAction.CANCEL)

    @admin.action(description=_("导出所选预约与签到到 Excel"))
    def export_xlsx(self, request, queryset):
        return bookings_xlsx_response(queryset, actor=request.user)


@admin.register(FairUsePolicy)
class FairUsePolicyAdmin(ScopedAdmin):
    list_display = ("name", "max_per_week", "max_pending", "no_show_limit", "no_show_window_days", "block_days",
                    "is_active")

    def get_object(self, request, object_id, from_field=None):
        if not request.user.has_perm("service_points.view_fairusepolicy"):
            raise Http404
        return super().get_object(request, object_id, from_field)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="service_points.policy_save", target=obj,
                     data={"fields": sorted(form.changed_data)})
