"""Judges' pages (mounted at /competitions/judge/, namespace "competitions")."""

from django.urls import path

from ..views import judge as views_judge

urlpatterns: list = [
    path("", views_judge.judge_home, name="judge_home"),
    path("stages/<int:stage_id>/groups/<int:group_id>/", views_judge.judge_group, name="judge_group"),
    path("sheets/<int:entry_id>/<int:stage_id>/", views_judge.judge_sheet, name="judge_sheet"),
]
