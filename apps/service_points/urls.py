from django.urls import path

from . import views

app_name = "service_points"

urlpatterns = [
    path("resources/", views.resource_list, name="resources"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("slots/<int:pk>/book/", views.slot_book, name="book"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/qr.svg", views.booking_qr, name="booking_qr"),
    path("bookings/<int:pk>/booking.ics", views.booking_ics_download, name="booking_ics"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("photos/<int:pk>/", views.photo_download, name="photo"),
]
