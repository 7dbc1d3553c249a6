from django.apps import AppConfig


class LegalAidConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.legal_aid"
    verbose_name = "法律援助"

    def ready(self) -> None:
        from apps.core import demo_summary, work_queue
        from apps.core.demo import register_seeder

        from .demo import consultations_line, demo_seeder
        from .selectors import legal_aid_queue

        work_queue.register("legal_aid", legal_aid_queue, order=65)
        register_seeder("legal_aid", demo_seeder, order=70)
        demo_summary.register("法律咨询", consultations_line, order=65)
