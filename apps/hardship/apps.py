from django.apps import AppConfig


class HardshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.hardship"
    verbose_name = "困难帮扶与爱心基金"

    def ready(self) -> None:
        from apps.core import work_queue
        from apps.condolences.mine import register_mine_section
        from apps.core.demo import register_seeder

        from .demo import demo_pay_seeder, demo_seeder
        from .selectors import aid_section
        from .work_queue import welfare_aid_queue

        register_seeder("hardship", demo_seeder, order=71)
        register_mine_section("aid", aid_section, order=20)
        work_queue.register("welfare_aid", welfare_aid_queue, order=60)
        register_seeder("hardship-payments", demo_pay_seeder, order=76, atomic=False)
