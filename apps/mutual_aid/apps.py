from django.apps import AppConfig


class MutualAidConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.mutual_aid"
    verbose_name = "职工互助保障"

    def ready(self) -> None:
        from apps.core.demo import register_seeder

        from .demo import demo_pay_seeder, demo_seeder

        register_seeder("mutual_aid", demo_seeder, order=70)
        register_seeder("mutual_aid-payments", demo_pay_seeder, order=75, atomic=False)
