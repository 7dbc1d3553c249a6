from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .acting import SESSION_KEY, assignments_for


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_POST
def switch_role(request):
    """Act in another of one's own role assignments."""
    try:
        wanted = int(request.POST.get("assignment", ""))
    except ValueError as exc:
        raise Http404 from exc
    if wanted not in {a.pk for a in assignments_for(request.user)}:
        raise Http404
    request.session[SESSION_KEY] = wanted
    return redirect("home")
