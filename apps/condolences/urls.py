from django.urls import path

from . import views

app_name = "condolences"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
]
