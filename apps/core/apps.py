from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "系统"

    def ready(self):
        from .api import use_sane_dates

        use_sane_dates()
