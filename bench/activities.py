"""The draw (抽签) of 5,000 applicants over 680 places with per-unit quotas.

* draw — ``apps.activities.drawing.draw_compute``, the function the portal runs and anyone
  recomputes with the published seed: the frozen list's SHA-256, a SHA-256 key per applicant,
  the sort, quotas first (20 units × 10 places), then the rest, the waiting list in draw order;
* baseline — a plain ``random.sample`` of 680 of the same 5,000 ids, in the same run.

Both are the best of 5 runs. Also checked: the draw is reproducible (same seed → same
result), gives exactly 680 places, honours every quota, and the waiting list holds the rest.
The first-come race of 300 applications for 50 places through gunicorn is NOT benchmarked here
(it is proven by tests/activities/test_races.py on PostgreSQL).

    python bench/activities.py [APPLICANTS] [PLACES]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import best_of, report  # noqa: E402

from apps.activities.drawing import draw_compute  # noqa: E402  (pure: no Django needed)


def main() -> None:
    applicants_n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    places = int(sys.argv[2]) if len(sys.argv) > 2 else 680
    rng = random.Random(2025)
    units = [f"U-{i:02d}" for i in range(40)]
    quotas = {u: 10 for u in units[:20]}  # 200 of the places reserved for 20 units
    applicants = [[i, rng.choice(units) if rng.random() < 0.8 else ""] for i in range(1, applicants_n + 1)]
    ids = [a for a, _ in applicants]
    seed = "BJEU-2025-beidaihe-bench"

    result = draw_compute(applicants=applicants, seed=seed, places=places, quotas=quotas)
    again = draw_compute(applicants=applicants, seed=seed, places=places, quotas=quotas)
    unit_of = dict((a, u) for a, u in applicants)
    per_unit = {}
    for pk in result["via_quota"]:
        per_unit[unit_of[pk]] = per_unit.get(unit_of[pk], 0) + 1
    assert result == again, "the draw is not reproducible"
    assert len(result["allocated"]) == places and len(set(result["allocated"])) == places
    assert all(per_unit.get(u, 0) <= q for u, q in quotas.items())
    assert len(result["waitlist"]) == applicants_n - places

    draw_s = best_of(lambda: draw_compute(applicants=applicants, seed=seed, places=places, quotas=quotas))
    sample_s = best_of(lambda: random.Random(seed).sample(ids, places))
    report({
        "applicants": applicants_n,
        "places": places,
        "quota_places": sum(quotas.values()),
        "via_quota": len(result["via_quota"]),
        "waitlist": len(result["waitlist"]),
        "reproducible": True,
        "draw_s": round(draw_s, 4),
        "random_sample_s": round(sample_s, 6),
        "draw_vs_random_sample": round(draw_s / sample_s, 1),
    })


if __name__ == "__main__":
    main()
