from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self):
        from apps.core.binder import register_scope_binder

        from . import signals  # noqa: F401
        from .acting import bind

        register_scope_binder(bind)

        from apps.core.demo import register_seeder

        from .demo import demo_seeder

        register_seeder("accounts", demo_seeder, order=20, report=30)

        from apps.core import demo_summary

        from .demo import logins_line

        demo_summary.register("演示账号", logins_line, order=90)
