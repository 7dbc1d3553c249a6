from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "apps.organizations"
    label = "organizations"
    verbose_name = "组织架构"

    def ready(self):
        from apps.core import demo_summary

        from .demo_summary import units_line

        demo_summary.register("单位", units_line, order=10)
