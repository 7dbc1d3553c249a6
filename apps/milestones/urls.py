from django.urls import path

from . import views

app_name = "milestones"

urlpatterns = [
    path("certificates/<str:code>/pdf/", views.certificate_download, name="certificate_pdf"),
    path("rolls/<int:pk>/roster.xlsx", views.roster_download, name="roster"),
]
