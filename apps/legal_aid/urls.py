from django.urls import path

from . import views

app_name = "legal_aid"

urlpatterns = [
    path("", views.index, name="index"),
    path("ask/", views.ask, name="ask"),
    path("<int:pk>/", views.detail, name="detail"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
]
