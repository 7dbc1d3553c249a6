"""The public certificate verification page (``apps/core/certificate_views.py``)."""

from django.urls import path

from . import certificate_views

app_name = "certificates"

urlpatterns = [
    path("", certificate_views.verify_form, name="verify"),
    path("<str:code>/", certificate_views.verify_code, name="verify_code"),
]
