from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "apps.honours"
    verbose_name = "劳模先进"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.core.demo import register_seeder

        from .demo import demo_seeder

        register_seeder("honours", demo_seeder, order=40)
