from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.petitions"
    verbose_name = "诉求办理"

    def ready(self) -> None:
        from apps.core import work_queue
        from apps.core.dashboard import register_figure
        from apps.core.demo import register_seeder
        from apps.core.home_warnings import register_home_warning

        from .calendar import calendar_runs_out_warning
        from .dashboard import rates_queue, register_figures
        from .demo import demo_seeder

        register_home_warning(calendar_runs_out_warning)

        from apps.core import work_queue

        from .warnings import warnings_queue

        work_queue.register("petitions_warnings", warnings_queue, order=62)
        register_seeder("petitions", demo_seeder, order=60, report=25)
        register_figures(register_figure)
        work_queue.register("petition_rates", rates_queue, order=50)
