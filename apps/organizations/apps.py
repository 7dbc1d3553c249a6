from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "apps.organizations"
    label = "organizations"
    verbose_name = "组织架构"

    def ready(self):
        from apps.core.dashboard import register_figure

        from .selectors import grassroots_units_count, units_count

        register_figure("单位总数", units_count, order=10)
        register_figure("基层工会", grassroots_units_count, order=20)

        from apps.core.demo import register_seeder

        from .demo import demo_seeder

        register_seeder("organizations", demo_seeder, order=10)

        from apps.core import demo_summary

        from .demo_summary import units_line

        demo_summary.register("单位", units_line, order=10)
