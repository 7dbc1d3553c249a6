from django.apps import AppConfig


def pending_entries_figure(request) -> int:
    """Entries of the acting subtree waiting for their unit's approval (the admin's home page)."""
    from .selectors import entries_pending_count

    return entries_pending_count()


def demo_seeder(options: dict) -> list[str]:
    """``seed_demo``'s part: 青教赛/青管赛 2025 results (the report's figures, given enough
    members) and the 2026 open editions."""
    from .demo import seed_competitions

    seed_competitions()
    return []


class CompetitionsConfig(AppConfig):
    name = "apps.competitions"
    verbose_name = "青年教师赛事"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.core.dashboard import register_figure
        from apps.core.demo import register_seeder

        register_figure("待审核参赛报名", pending_entries_figure, order=50, permission="competitions.view_entry")
        register_seeder("competitions", demo_seeder, order=50)

        from apps.core.certificates import register_certificate_kind

        from .services.certificates import certificate_public_facts

        register_certificate_kind("competitions", lookup=certificate_public_facts, order=10)

        from apps.core import demo_summary, work_queue

        from .demo_summary import editions_line
        from .work_queue import competitions_queue

        work_queue.register("competitions", competitions_queue, order=40)
        demo_summary.register("赛事届次", editions_line, order=50)
