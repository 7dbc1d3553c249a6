from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("sessions/<int:pk>/apply/", views.session_apply, name="apply"),
    path("sessions/<int:pk>/qr/", views.session_qr, name="qr"),
    path("sessions/<int:pk>/export/<str:kind>/", views.session_export, name="export"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/confirm/", views.application_confirm, name="confirm"),
    path("checkin/<str:token>/", views.check_in, name="checkin"),
]
