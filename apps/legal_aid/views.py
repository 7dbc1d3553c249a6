"""Phone pages of legal aid ("指尖上的法律援助"): a member asks and follows their thread; a
lawyer answers the consultations assigned to them; attachments only through the
permission-checked download. Everything reads through the scoped manager: someone else's
consultation is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.audit import audit_record

from . import services
from .enums import ConsultationAction as A
from .enums import ConsultationStatus as S
from .forms import AskForm, PostForm
from .models import ConsultationAttachment
from .selectors import consultations

VIEW = "legal_aid.view_consultation"


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_GET
def index(request):
    if not request.user.has_perm(VIEW):
        raise Http404
    return render(request, "legal_aid/index.html", {
        "consultations": consultations()[:100],
        "may_ask": request.user.has_perm(services.ASK_PERMISSION),
        "is_lawyer": request.user.has_perm(services.ANSWER_PERMISSION),
    })


@login_required
@require_http_methods(["GET", "POST"])
def ask(request):
    if not request.user.has_perm(services.ASK_PERMISSION):
        raise Http404
    form = AskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation, _ = services.consultation_ask(
                actor=request.user, category=data["category"], title=data["title"], question=data["question"],
                token=data["token"], attachments=[data["attachment"]] if data["attachment"] else [])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "咨询已提交，法律援助中心将为您分配律师。")
            return redirect("legal_aid:detail", pk=consultation.pk)
    return render(request, "legal_aid/ask.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    if not request.user.has_perm(VIEW):
        raise Http404
    consultation = get_object_or_404(consultations(), pk=pk)  # scoped: not theirs → 404
    user = request.user
    may_answer = (consultation.status == S.ASSIGNED and consultation.lawyer_id == user.pk
                  and user.has_perm(services.ANSWER_PERMISSION))
    may_follow = (consultation.status == S.ANSWERED and consultation.asker_id == user.pk
                  and user.has_perm(services.ASK_PERMISSION))
    may_close = consultation.status != S.CLOSED and (consultation.asker_id == user.pk
                                                     or user.has_perm(services.ASSIGN_PERMISSION))
    form = PostForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        allowed = {A.ANSWER: may_answer, A.FOLLOW_UP: may_follow, A.CLOSE: may_close}
        if not allowed.get(action):
            messages.error(request, "当前不能进行此操作。")
            return redirect("legal_aid:detail", pk=consultation.pk)
        form = PostForm(request.POST, request.FILES) if action != A.CLOSE else None
        if form is None or form.is_valid():
            data = form.cleaned_data if form is not None else {}
            try:
                services.consultation_transition(
                    consultation=consultation, action=action, actor=user, text=data.get("text", ""),
                    attachments=[data["attachment"]] if data.get("attachment") else [])
            except ValidationError as exc:
                if form is None:
                    messages.error(request, "；".join(exc.messages))
                    return redirect("legal_aid:detail", pk=consultation.pk)
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"已{A(action).label}。")
                return redirect("legal_aid:detail", pk=consultation.pk)
    else:
        services.consultation_opened(consultation=consultation, actor=user, via="page")
    thread = consultation.messages.select_related("author").prefetch_related("attachments")
    return render(request, "legal_aid/detail.html", {
        "c": consultation, "thread": thread, "form": form, "may_answer": may_answer, "may_follow": may_follow,
        "may_close": may_close,
    })


@login_required
@require_GET
def attachment_download(request, pk: int):
    if not request.user.has_perm("legal_aid.view_consultationattachment"):
        raise Http404
    try:
        attachment = ConsultationAttachment.objects.select_related("consultation").get(pk=pk)  # scoped
    except ConsultationAttachment.DoesNotExist as exc:
        raise Http404 from exc
    audit_record(actor=request.user, action="legal_aid.download", target=attachment.consultation,
                 data={"attachment": attachment.pk})
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)



