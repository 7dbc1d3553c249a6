from django.apps import AppConfig


class CondolencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.condolences"
    verbose_name = "职工服务·慰问"

    def ready(self) -> None:
        from apps.core import demo_summary, work_queue
        from apps.core.demo import register_seeder

        from .demo import demo_pay_seeder, demo_seeder, summary_line
        from .mine import condolence_section, register_mine_section
        from .work_queue import condolences_queue

        register_mine_section("condolences", condolence_section, order=10)
        work_queue.register("condolences", condolences_queue, order=45)
        register_seeder("condolences", demo_seeder, order=70, report=30)
        register_seeder("condolences-payments", demo_pay_seeder, order=75, atomic=False, report=31)
        demo_summary.register("慰问活动", summary_line, order=60)
