from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "apps.competitions"
    verbose_name = "青年教师赛事"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.core import demo_summary, work_queue

        from .demo_summary import editions_line
        from .work_queue import competitions_queue

        work_queue.register("competitions", competitions_queue, order=40)
        demo_summary.register("赛事届次", editions_line, order=50)
