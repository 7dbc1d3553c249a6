from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = "会员"

    def ready(self):
        from apps.core import demo_summary

        from .demo_summary import members_line

        demo_summary.register("会员", members_line, order=20)
