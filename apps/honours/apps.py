from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "apps.honours"
    verbose_name = "劳模先进"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.core.demo import register_seeder

        from .demo import demo_pay_seeder, demo_seeder

        register_seeder("honours", demo_seeder, order=40)
        register_seeder("honours-payments", demo_pay_seeder, order=45, atomic=False, report=22)

        from apps.core import demo_summary, work_queue

        from .demo_summary import roll_line
        from .work_queue import honours_queue

        work_queue.register("honours", honours_queue, order=20)
        demo_summary.register("荣誉名册", roll_line, order=30)
