from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "apps.competitions"
    verbose_name = "青年教师赛事"
    default_auto_field = "django.db.models.BigAutoField"
