from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.core.demo import seeders


class Command(BaseCommand):
    help = (
        "Load the union's real organisation structure, the demo users and demo members (idempotent). "
        "Without --members only the small demo set (a few members in each demo user's unit). "
        "Each app registers its part in apps.core.demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=0, metavar="N",
            help="top the whole city up to N members in total (the demo set counts towards N; "
                 "never deletes; a second run with the same N adds nothing)",
        )
        parser.add_argument("--seed", type=int, default=None,
                            help="random seed of the member generator (default: the generator's own)")

    def handle(self, *args, **options):
        if options["members"] < 0:
            raise CommandError("--members 应为非负整数。")
        reports = []
        with transaction.atomic():
            for seeder in seeders():
                if seeder.atomic:
                    reports.append((seeder.report, seeder.seed(options)))
        for seeder in seeders():
            if not seeder.atomic:
                reports.append((seeder.report, seeder.seed(options)))
        for _, lines in sorted(reports, key=lambda r: r[0]):
            for line in lines:
                self.stdout.write(line)
