from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "apps.payments"
    verbose_name = "资金发放"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.core import demo_summary, work_queue

        from .demo_summary import batches_line
        from .work_queue import payments_queue

        work_queue.register("payments", payments_queue, order=30)
        demo_summary.register("发放批次", batches_line, order=40)
