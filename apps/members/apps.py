from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = "会员"

    def ready(self):
        from apps.core.dashboard import register_figure

        from .selectors import active_members_count

        register_figure("在会会员", active_members_count, order=30)

        from apps.core.demo import register_seeder

        from .demo import demo_seeder

        register_seeder("members", demo_seeder, order=30, report=20)

        from apps.core import demo_summary

        from .demo_summary import members_line

        demo_summary.register("会员", members_line, order=20)
