"""The draw (抽签), as a pure function anyone can rerun with the published seed.

Input: the applicant list frozen at draw time — ``[[application_id, quota_unit], …]`` sorted
by id, where ``quota_unit`` is the unit code whose quota the applicant counts against ("" for
none) — the session's places and quotas, and the seed. Its SHA-256 (``list_hash``) is
published with the result.

Order: each applicant's key is ``sha256(f"{seed}:{list_hash}:{id}")``; applicants are taken
by ascending key. Quotas first: walking the order, an applicant whose unit still has quota is
drawn (``via_quota``). Then the rest: walking the order again, the places left go to those
not yet drawn. Everyone else waits, in draw order (the waiting list). Needs only hashlib and
json: ``python -m apps.activities.drawing frozen.json SEED PLACES '{"U-THU": 20}'`` recomputes it.
"""

from __future__ import annotations

import hashlib
import json
import sys


def list_hash(applicants: list[list]) -> str:
    """SHA-256 of the frozen list in a canonical JSON form."""
    text = json.dumps([[int(a), str(u)] for a, u in applicants], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def draw_order(applicants: list[list], seed: str) -> list[list]:
    digest = list_hash(applicants)
    return sorted(applicants, key=lambda a: hashlib.sha256(f"{seed}:{digest}:{int(a[0])}".encode()).hexdigest())


def draw_compute(*, applicants: list[list], seed: str, places: int, quotas: dict[str, int]) -> dict:
    """``{"allocated": [ids], "via_quota": [ids], "waitlist": [ids]}`` (waitlist in draw order)."""
    order = draw_order(applicants, seed)
    left = {unit: int(n) for unit, n in quotas.items()}
    drawn: list[int] = []
    via_quota: list[int] = []
    taken: set[int] = set()
    for app_id, unit in order:
        if len(drawn) >= places:
            break
        if left.get(unit, 0) > 0:
            left[unit] -= 1
            drawn.append(int(app_id))
            via_quota.append(int(app_id))
            taken.add(int(app_id))
    for app_id, _unit in order:
        if len(drawn) >= places:
            break
        if int(app_id) not in taken:
            drawn.append(int(app_id))
            taken.add(int(app_id))
    waitlist = [int(a) for a, _u in order if int(a) not in taken]
    return {"allocated": drawn, "via_quota": via_quota, "waitlist": waitlist}


if __name__ == "__main__":  # pragma: no cover - the stand-alone recomputation
    frozen = json.load(open(sys.argv[1], encoding="utf-8"))
    print(json.dumps(draw_compute(applicants=frozen, seed=sys.argv[2], places=int(sys.argv[3]),
                                  quotas=json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}), ensure_ascii=False))
