"""The API's documentation page (Swagger UI from local assets, its init script a separate file so
the CSP holds). A visitor who brought no credentials at all is sent to the log-in page and back
here, instead of the bare 401 JSON; wrong credentials, the init script and the schema itself
(``/api/schema/``) keep the API's 401 for clients."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated


class ApiDocsView(SpectacularSwaggerSplitView):
    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated) and "script" not in self.request.GET:
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
