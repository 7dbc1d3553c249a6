"""After the contest: certificates, public verification, talent pool, yearbook (views/public.py)."""

from django.urls import path

from ..views import public as views_public

urlpatterns = [
    path("certificates/<str:code>/pdf/", views_public.certificate_download, name="certificate_pdf"),
    path("my-certificates/", views_public.my_certificates, name="my_certificates"),
    path("verify/", views_public.verify_form, name="verify"),
    path("verify/<str:code>/", views_public.verify_code, name="verify_code"),
    path("talent-pool/export/", views_public.talent_pool_export, name="talent_pool_export"),
    path("yearbook.xlsx", views_public.yearbook_download, name="yearbook"),
]
