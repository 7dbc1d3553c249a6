from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_index, name="list"),
    path("export/", views.organization_export, name="export"),
    path("<str:code>/", views.organization_detail, name="detail"),
]
