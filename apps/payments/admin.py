"""Staff admin for payment batches: every button is a service call, shown only when allowed."""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.enums import ActionVariant

from apps.accounts.middleware import LOGIN_AT
from apps.core.admin_base import ReadOnlyAdmin, ScopedAdmin
from apps.core.audit import audit_record
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.members.exporting import reveal_reason
from apps.members.services import REVEAL_PERMISSION

from . import exporting, services
from .refusals import action_allowed, action_refusal, approval_state, approve_refusal
from .enums import BatchStatus
from .gateway import write_transfer_csv, write_transfer_xlsx
from .models import PaymentBatch, PaymentItem

DISBURSE = "payments.disburse_paymentbatch"
# The buttons whose refused URL answers with the reason (apps/payments/refusals.py).
ACTION_REASONS = ("approve", "submit", "cancel", "disburse", "return_file", "reissue")
MAKER = "payments.change_paymentbatch"


class BatchActionForm(forms.Form):
    password = forms.CharField(label=_("当前密码"), required=False, widget=forms.PasswordInput,
                               help_text=_("登录超过 5 分钟时必填"))
    reason = forms.CharField(label=_("原因"), required=False, max_length=200)
    file = forms.FileField(label=_("银行回单（xlsx 或 CSV）"), required=False)


class BatchAddForm(forms.ModelForm):
    class Meta:
        model = PaymentBatch
        fields = ("title", "purpose", "organization")


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ScopedAdmin):
    list_display = ("title", "organization", "purpose", "status", "item_count", "total_amount", "created_by",
                    "created_at")
    list_filter = ("status", "purpose")
    search_fields = ("title",)
    list_select_related = ("organization", "created_by")
    readonly_fields = ("title", "purpose", "organization", "status", "item_count", "total_amount", "created_by",
                       "approvers", "approval", "progress", "links", "reissue_of", "created_at", "submitted_at", "approved_at",
                       "disbursed_at", "finished_at", "cancelled_at")
    actions_detail = ("submit", "approve", "cancel", "disburse", "transfer_xlsx", "transfer_csv", "return_file",
                      "reissue", "export_items", "export_items_full")
    actions = ("export_batches",)

    # --- display -----------------------------------------------------------------------
    @admin.display(description=_("审批人"))
    def approvers(self, obj):
        return "、".join(a.approver.get_username() for a in obj.approvals.select_related("approver")) or "—"

    @admin.display(description=_("审批"))
    def approval(self, obj):
        """The approvals needed and given, and — for the viewer — why they cannot approve (when not)."""
        state = approval_state(obj)
        viewer = getattr(obj, "_viewer", None)
        if obj.status != BatchStatus.SUBMITTED or viewer is None:
            return state
        reason = approve_refusal(batch=obj, user=viewer)
        if reason is None:
            return format_html("{}。您可以审批（页面上方「审批」按钮）。", state)
        return format_html('{}。<strong data-refusal="approve">{}</strong>', state, reason)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        obj._viewer = request.user  # for the "审批" line: why this viewer may not approve
        return obj

    @admin.display(description=_("发放进度"))
    def progress(self, obj):
        """A live bar (static/js/job-progress.js polls the job's status), with the paid figures."""
        job = obj.job
        if job is None:
            return "—"
        result = job.result or {}
        return format_html(
            '<div id="job" data-status-url="{}" data-finished="{}">'
            '<progress id="job-progress" max="100" value="{}" aria-label="进度"></progress> '
            '<span id="job-percent">{}</span>%（<span id="job-done">{}</span> / <span id="job-total">{}</span>）'
            ' <span id="job-status">{}</span>'
            '<span id="job-error" hidden></span><span id="job-download" hidden></span></div>'
            '<p>已到账 <span data-job-field="paid">{}</span> 笔，失败 <span data-job-field="failed">{}</span> 笔，'
            '已付 <span data-job-field="paid_sum">{}</span> 元 · <a href="{}">任务详情</a></p>'
            '<script src="{}" defer></script>',
            reverse("jobs:status", args=[job.pk]), "1" if job.is_finished else "0", job.percent, job.percent,
            job.done, job.total, job.get_status_display(), result.get("paid", 0), result.get("failed", 0),
            result.get("paid_sum", "0.00"), reverse("jobs:detail", args=[job.pk]), static("js/job-progress.js"))

    @admin.display(description=_("明细"))
    def links(self, obj):
        items = reverse("admin:payments_paymentitem_changelist") + f"?batch__id__exact={obj.pk}"
        return format_html('<a href="{}">全部明细</a> · <a href="{}&status__exact=failed">失败明细</a>', items, items)

    # --- add and change go through the services ------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = BatchAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return BatchAddForm._meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = services.payment_batch_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc
        obj.pk = created.pk

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return False  # a batch page is read-only (no 保存 buttons): it changes through the buttons above
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # batches are cancelled, never deleted

    # --- which buttons show --------------------------------------------------------------
    def _batch(self, object_id):
        return PaymentBatch.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None

    def _allowed(self, request, object_id, perm, statuses) -> bool:
        batch = self._batch(object_id)
        if batch is None:
            # Not visible (outside the scope) or missing: the view itself answers 404, the
            # same as for any object one cannot see (a 403 here would confirm it exists).
            return True
        return request.user.has_perm(perm) and batch.status in statuses

    def _action_allowed(self, request, object_id, action: str) -> bool:
        batch = self._batch(object_id)
        # Not visible or missing: the view itself answers 404 (see ``_allowed``). On the action's
        # own URL the view runs and answers a refusal with its reason (``_confirm``).
        return (batch is None or self._on_action_url(request, action)
                or action_allowed(batch=batch, user=request.user, action=action))

    def has_submit_permission(self, request, object_id=None):
        return self._action_allowed(request, object_id, "submit")

    def has_cancel_permission(self, request, object_id=None):
        return self._action_allowed(request, object_id, "cancel")

    def has_approve_permission(self, request, object_id=None):
        batch = self._batch(object_id)
        if batch is None or self._on_action_url(request, "approve"):
            # The approve URL itself: holders of the permission reach the view, which says why
            # when they may not approve this batch (creator, already approved, wrong state).
            return self._allowed(request, object_id, services.APPROVE_PERMISSION, tuple(BatchStatus))
        return approve_refusal(batch=batch, user=request.user) is None  # the button: only when usable

    @staticmethod
    def _on_action_url(request, name: str) -> bool:
        match = getattr(request, "resolver_match", None)
        return bool(match and match.url_name == f"payments_paymentbatch_{name}")

    def has_disburse_permission(self, request, object_id=None):
        return self._action_allowed(request, object_id, "disburse")

    def has_transfer_file_permission(self, request, object_id=None):
        return (self._allowed(request, object_id, DISBURSE, (BatchStatus.APPROVED, BatchStatus.DISBURSING))
                and (self._batch(object_id) is None or request.user.has_perm(REVEAL_PERMISSION)))

    def has_return_file_permission(self, request, object_id=None):
        return self._action_allowed(request, object_id, "return_file")

    def has_reissue_permission(self, request, object_id=None):
        return self._action_allowed(request, object_id, "reissue")

    def has_export_items_permission(self, request, object_id=None):
        return self._allowed(request, object_id, "payments.view_paymentitem", tuple(BatchStatus))

    def has_export_items_full_permission(self, request, object_id=None):
        return (self.has_export_items_permission(request, object_id)
                and (self._batch(object_id) is None or request.user.has_perm(REVEAL_PERMISSION)))

    def has_export_batches_permission(self, request):
        return self.has_view_permission(request)

    # --- the buttons ---------------------------------------------------------------------
    def _confirm(self, request, object_id, *, name, title, run, fields=()):
        batch = self.get_object(request, object_id)  # scoped: a 404 outside
        if name in ACTION_REASONS and (reason := action_refusal(batch=batch, user=request.user, action=name)):
            raise PermissionDenied(reason)  # a 403 that says why (templates/403.html shows it)
        if not getattr(self, f"has_{name}_permission")(request, object_id):
            raise PermissionDenied
        form = BatchActionForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                outcome = run(batch, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            else:
                if isinstance(outcome, HttpResponseBase):  # a download
                    return outcome
                if isinstance(outcome, dict):
                    report = outcome
                else:
                    messages.success(request, _("操作成功。"))
                    target = outcome if isinstance(outcome, PaymentBatch) else batch
                    return HttpResponseRedirect(reverse("admin:payments_paymentbatch_change", args=[target.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
                   "batch": batch, "form": form, "fields": fields, "report": report}
        response = TemplateResponse(request, "admin/payments/confirm.html", context)
        add_never_cache_headers(response)
        return response

    @action(description=_("提交审批"), url_path="submit", permissions=["submit"])
    def submit(self, request, object_id):
        return self._confirm(request, object_id, name="submit", title=_("提交审批"),
                             run=lambda b, d: services.payment_batch_submit(batch=b, actor=request.user))

    @action(description=_("审批"), url_path="approve", permissions=["approve"], variant=ActionVariant.SUCCESS)
    def approve(self, request, object_id):
        def run(batch, data):
            return services.payment_batch_approve(batch=batch, actor=request.user, password=data["password"] or None,
                                                  logged_in_at=request.session.get(LOGIN_AT))
        return self._confirm(request, object_id, name="approve", title=_("审批发放批次"), run=run,
                             fields=("password",))

    @action(description=_("撤销"), url_path="cancel", permissions=["cancel"], variant=ActionVariant.DANGER)
    def cancel(self, request, object_id):
        return self._confirm(request, object_id, name="cancel", title=_("撤销批次"), fields=("reason",),
                             run=lambda b, d: services.payment_batch_cancel(batch=b, actor=request.user,
                                                                            reason=d["reason"]))

    @action(description=_("开始发放"), url_path="disburse", permissions=["disburse"])
    def disburse(self, request, object_id):
        def run(batch, data):
            services.payment_batch_disburse(batch=batch, actor=request.user)
            return batch
        return self._confirm(request, object_id, name="disburse", title=_("开始发放"), run=run)

    @action(description=_("导入银行回单"), url_path="return-file", permissions=["return_file"])
    def return_file(self, request, object_id):
        def run(batch, data):
            upload = data.get("file")
            if upload is None:
                raise ValidationError("请选择回单文件。")
            return services.payment_batch_import_return_file(batch=batch, name=upload.name, data=upload.read(),
                                                             actor=request.user)
        return self._confirm(request, object_id, name="return_file", title=_("导入银行回单"), run=run,
                             fields=("file",))

    @action(description=_("失败明细补发"), url_path="reissue", permissions=["reissue"])
    def reissue(self, request, object_id):
        return self._confirm(request, object_id, name="reissue", title=_("失败明细补发（新建草稿批次）"),
                             run=lambda b, d: services.payment_batch_reissue_failed(batch=b, actor=request.user))

    # --- exports (masked; full accounts after a confirmation, audited) ----------------------
    @action(description=_("导出明细"), url_path="export-items", permissions=["export_items"])
    def export_items(self, request, object_id):
        batch = self.get_object(request, object_id)  # scoped: a 404 outside
        if not self.has_export_items_permission(request, object_id):
            raise PermissionDenied
        return exporting.items_export_response(batch=batch, actor=request.user, via="admin")

    @action(description=_("导出明细（完整账号）"), url_path="export-items-full", permissions=["export_items_full"])
    def export_items_full(self, request, object_id):
        def run(batch, data):
            return exporting.items_export_response(batch=batch, actor=request.user, reveal=True, via="admin",
                                                   reason=data["reason"])
        return self._confirm(request, object_id, name="export_items_full",
                             title=_("导出明细（完整银行账号，记入审计日志）"), run=run, fields=("reason",))

    @admin.action(description=_("导出所选批次到 Excel"), permissions=["export_batches"])
    def export_batches(self, request, queryset):
        return exporting.batches_export_response(queryset=queryset, actor=request.user, via="admin:selected")

    def _transfer_file(self, request, object_id, kind):
        """The bank needs the full accounts: a download is a reveal — a POST with a reason, for
        holders of the reveal permission, audited."""
        def run(batch, data):
            reason = reveal_reason(data["reason"])
            audit_record(actor=request.user, action="payment_batch.transfer_file", target=batch,
                         data={"format": kind, "reveal": True, "reason": reason})
            if kind == "xlsx":
                buffer = io.BytesIO()
                write_transfer_xlsx(batch, buffer)
                response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
            else:
                text = io.StringIO()
                write_transfer_csv(batch, text)
                response = HttpResponse(("\ufeff" + text.getvalue()).encode(),
                                        content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="transfer-{batch.pk}.{kind}"'
            add_never_cache_headers(response)
            return response
        return self._confirm(request, object_id, name="transfer_file", fields=("reason",), run=run,
                             title=_("下载转账文件（完整银行账号，记入审计日志）"))

    @action(description=_("下载转账文件（xlsx）"), url_path="transfer-xlsx", permissions=["transfer_file"])
    def transfer_xlsx(self, request, object_id):
        return self._transfer_file(request, object_id, "xlsx")

    @action(description=_("下载转账文件（CSV）"), url_path="transfer-csv", permissions=["transfer_file"])
    def transfer_csv(self, request, object_id):
        return self._transfer_file(request, object_id, "csv")


@admin.register(PaymentItem)
class PaymentItemAdmin(ReadOnlyAdmin):
    list_display = ("batch", "member", "amount", "bank_name", "account", "bank_reference", "status",
                    "failure_reason")
    list_filter = ("status",)
    search_fields = ("member__name",)
    list_select_related = ("batch", "member")
    fields = ("batch", "member", "amount", "bank_name", "account", "bank_reference", "status", "failure_reason",
              "reissue_of", "sent_at", "settled_at")
    readonly_fields = fields

    @admin.display(description=_("银行账号"))
    def account(self, obj):
        return obj.bank_account_masked

    def get_list_filter(self, request):
        return ("status", ("batch", admin.RelatedOnlyFieldListFilter))


