"""Re-encrypt every personal-data value with the newest FIELD_ENCRYPTION_KEY.

Rotation: prepend a new key to FIELD_ENCRYPTION_KEY (new,old), run this command, then drop
the old key. Values are decrypted with any listed key and re-encrypted with the first; the
look-up hashes are recomputed with the first key. Each batch is one transaction, so an
interrupted run can simply be run again (already-rotated values rotate harmlessly).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.core.scoping import scopes_disabled
from apps.members.models import Member

BATCH = 1000
FIELDS = ("id_number", "phone", "bank_account")


class Command(BaseCommand):
    help = "用最新的 FIELD_ENCRYPTION_KEY 重新加密全部个人信息，并重算身份证号索引。"

    def handle(self, *args, **options):
        total = 0
        with scopes_disabled():  # key rotation re-encrypts every member of the city
            ids = list(Member._base_manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), BATCH):
                with transaction.atomic():
                    rows = list(Member._base_manager.select_for_update(of=("self",)).filter(pk__in=ids[start:start + BATCH]))
                    for member in rows:
                        # Reading decrypted with any key; saving encrypts with the newest.
                        member.id_hash = lookup_hash(member.id_number)
                    Member._base_manager.bulk_update(rows, [*FIELDS, "id_hash"], batch_size=BATCH)
                total += len(rows)
            audit_record(actor=None, action="crypto.rotate", target=None, data={"members": total})
        self.stdout.write(f"已重新加密 {total} 名会员的个人信息。")
