from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.milestones"
    verbose_name = "从教30周年与纪念日"

    def ready(self) -> None:
        from apps.core import demo_summary
        from apps.core.certificates import register_certificate_kind
        from apps.core.demo import register_seeder

        from apps.condolences.mine import register_mine_section

        from .certificates import honoree_public_facts
        from .demo import demo_seeder, thirty_years_line
        from .selectors import thirty_section

        register_certificate_kind("thirty_years", lookup=honoree_public_facts, order=20)
        register_mine_section("thirty_years", thirty_section, order=40)
        register_seeder("milestones", demo_seeder, order=70, report=22)
        demo_summary.register("从教30周年", thirty_years_line, order=55)
