from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self):
        from apps.core import demo_summary

        from . import signals  # noqa: F401
        from .demo import logins_line

        demo_summary.register("演示账号", logins_line, order=90)
