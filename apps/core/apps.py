from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "系统"

    def ready(self):
        from . import work_queue
        from .queue_items import jobs_queue

        work_queue.register("jobs", jobs_queue, order=90)

        from .api import use_sane_dates

        use_sane_dates()
