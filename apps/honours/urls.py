from django.urls import path

from . import views

app_name = "honours"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("notice/<int:pk>/", views.campaign_notice, name="notice"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
]
