from django.apps import AppConfig


class HardshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.hardship"
    verbose_name = "困难帮扶与爱心基金"

    def ready(self) -> None:
        from apps.core.demo import register_seeder

        from .demo import demo_pay_seeder, demo_seeder

        register_seeder("hardship", demo_seeder, order=71)
        register_seeder("hardship-payments", demo_pay_seeder, order=76, atomic=False)
