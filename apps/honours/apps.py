from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "apps.honours"
    verbose_name = "劳模先进"
    default_auto_field = "django.db.models.BigAutoField"
