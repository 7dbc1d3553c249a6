from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.activities"
    verbose_name = "活动与名额"

    def ready(self) -> None:
        from apps.core import demo_summary
        from apps.core.demo import register_seeder

        from .demo import activities_line, demo_seeder

        register_seeder("activities", demo_seeder, order=70, report=30)
        demo_summary.register("活动与名额", activities_line, order=60)
