"""One writer per status field: a status is assigned only inside its registered transition
function (moves table, row lock, re-check, audit). This test reads every module of apps/
and fails on any other assignment:

* ``obj.status = …`` (also inside a tuple assignment, and ``setattr(obj, "status", …)``),
* ``….update(status=…)`` (a queryset's UPDATE, or a dict of fields meant for one),
* ``bulk_update(objs, [… "status" …])``,
* ``….create(status=…)`` / ``Model(status=…)`` are creations, not moves, and are allowed.

Also: every ``select_for_update()`` names ``of=("self",)`` — lock only the rows changed
(on PostgreSQL a lock without it also locks every joined row, e.g. the member's union).
"""

from __future__ import annotations

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"

# (module, function) → the status field it is the one writer of.
TRANSITIONS = {
    ("payments/services.py", "payment_batch_transition"): "PaymentBatch.status",
    ("payments/services.py", "payment_items_transition"): "PaymentItem.status",
    ("core/jobs.py", "job_transition"): "Job.status",
    ("members/services.py", "member_change_status"): "Member.status",
    ("honours/services.py", "honour_change_status"): "Honour.status",
    ("honours/services.py", "nomination_transition"): "Nomination.status",
    ("competitions/services/entry_status.py", "entry_transition"): "Entry.status",
    ("competitions/services/structure.py", "edition_transition"): "Edition.status",
    ("petitions/services.py", "case_transition"): "Case.status",
    ("petitions/services.py", "account_set_status"): "PlatformAccount.status",
    ("competitions/services/judging.py", "sheet_submit"): "ScoreSheet.status",
    ("competitions/services/teams.py", "invitation_transition"): "TeamMember.status",
    ("legal_aid/services.py", "consultation_transition"): "Consultation.status",
    ("service_points/services.py", "booking_transition"): "Booking.status",
    ("activities/services.py", "application_transition"): "Application.status",
    ("condolences/campaigns.py", "campaign_transition"): "Campaign.status",
    ("condolences/occasions.py", "occasion_transition"): "Occasion.status",
    ("core/outbox.py", "outbox_transition"): "OutboxMessage.status",
    ("milestones/services.py", "roll_transition"): "ThirtyYearRoll.status",
    ("hardship/services.py", "file_transition"): "HardshipFile.status",
    ("hardship/services.py", "application_transition"): "AidApplication.status",
    ("mutual_aid/services.py", "claim_transition"): "Claim.status",
}

# Assignments to an attribute named ``status`` that are not a model's status field.
NOT_A_STATUS_FIELD = {
    ("competitions/services/structure.py", "edition_save"): "a new edition's initial 筹备中 (creation, not a move)",
    ("honours/importing.py", "__call__"): "an import row's parsed value, not a model",
    ("members/importing/service.py", "__init__"): "the importer's column cleaner, not a model",
}

PENDING_COMPS = "\0"  # no module is exempt any more


def _calls_status_keyword(node: ast.Call) -> bool:
    return any(k.arg == "status" for k in node.keywords)


def _writes(tree: ast.AST):
    """(function, line, what) for every status write in a module."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                for target in targets:
                    for part in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                        if isinstance(part, ast.Attribute) and part.attr == "status":
                            found.append((name, child.lineno, "obj.status = …"))
            if isinstance(child, ast.Call) and isinstance(child.func, (ast.Attribute, ast.Name)):
                attr = child.func.attr if isinstance(child.func, ast.Attribute) else child.func.id
                if attr == "update" and _calls_status_keyword(child):
                    found.append((name, child.lineno, ".update(status=…)"))
                if attr == "bulk_update" and any("'status'" in ast.dump(a) for a in child.args[1:2]):
                    found.append((name, child.lineno, "bulk_update(…, ['status'])"))
                if attr == "setattr" and len(child.args) > 1 and isinstance(child.args[1], ast.Constant) \
                        and child.args[1].value == "status":
                    found.append((name, child.lineno, "setattr(obj, 'status', …)"))
            visit(child, name)

    visit(tree, "<module>")
    return found


def _modules():
    for path in sorted(APPS.rglob("*.py")):
        module = path.relative_to(APPS).as_posix()
        if "/migrations/" in module:
            continue
        yield module, ast.parse(path.read_text(), filename=str(path))


def status_writes_outside_transitions() -> list[str]:
    bad = []
    for module, tree in _modules():
        if module.startswith(PENDING_COMPS):
            continue
        for function, line, what in _writes(tree):
            if (module, function) in TRANSITIONS or (module, function) in NOT_A_STATUS_FIELD:
                continue
            bad.append(f"apps/{module}:{line} in {function}(): {what}")
    return bad


def test_status_is_written_only_by_its_transition_function():
    assert status_writes_outside_transitions() == []


def test_every_registered_transition_exists():
    """The registry stays true: each named function exists (and keyword-only)."""
    functions = {(module, node.name): node for module, tree in _modules() for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef)}
    assert set(TRANSITIONS) <= set(functions), set(TRANSITIONS) - set(functions)
    for key in TRANSITIONS:
        assert not functions[key].args.args, f"{key}: arguments must be keyword-only"


def test_the_check_catches_a_status_write(tmp_path):
    """Control: the scanner finds each pattern it looks for."""
    source = (
        "def f(item, qs, objs, fields):\n"
        "    item.status = 'paid'\n"
        "    before, item.status = item.status, 'paid'\n"
        "    qs.filter(pk=1).update(status='paid')\n"
        "    qs.bulk_update(objs, ['status'])\n"
        "    setattr(item, 'status', 'x')\n"
    )
    found = [what for _f, _l, what in _writes(ast.parse(source))]
    assert found == ["obj.status = …", "obj.status = …", ".update(status=…)", "bulk_update(…, ['status'])", "setattr(obj, 'status', …)"]


def _unbounded_locks(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "select_for_update" and not any(k.arg == "of" for k in node.keywords):
            lines.append(node.lineno)
    return lines


def test_every_row_lock_locks_only_its_own_rows():
    bad = [f"apps/{module}:{line}" for module, tree in _modules() if not module.startswith(PENDING_COMPS)
           for line in _unbounded_locks(tree)]
    assert bad == []
    assert _unbounded_locks(ast.parse("Member.objects.select_for_update().get(pk=1)")) == [1]  # control
