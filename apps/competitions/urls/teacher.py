"""Teachers' pages (sign up, register, my entry, invitations), the unit's review page and
the permission-checked download of an entry's documents."""

from django.urls import path

from ..views import downloads, teacher as views

urlpatterns = [
    path("", views.index, name="index"),
    path("signup/", views.signup, name="signup"),
    path("link/", views.link, name="link"),
    path("groups/<int:pk>/register/", views.group_register, name="group_register"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw_view, name="entry_withdraw"),
    path("entries/<int:pk>/invite/", views.entry_invite, name="entry_invite"),
    path("entries/<int:pk>/files/<str:kind>/", downloads.entry_file, name="entry_file"),
    path("invitations/", views.invitations, name="invitations"),
    path("unit/", views.unit_review, name="unit_review"),
    path("unit/entries/<int:pk>/decide/", views.unit_decide, name="unit_decide"),
]
