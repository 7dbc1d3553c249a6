from __future__ import annotations

from apps.core.scoping import scope, scopes_disabled
from apps.legal_aid.services import consultation_ask, consultation_transition

PDF = b"%PDF-1.4\n% legal aid\n"


def as_person(user, role: str):
    return scope(person=role, user_id=user.pk)


def ask(member, *, title="合同到期不续签", **kw):
    with as_person(member, "teacher"):
        consultation, _ = consultation_ask(actor=member, category=kw.pop("category", "contract"), title=title,
                                           question=kw.pop("question", "学校不续签合同，有补偿吗？"), **kw)
    return consultation


def move(consultation, action, actor, *, role=None, **kw):
    with (as_person(actor, role) if role else scopes_disabled()):
        return consultation_transition(consultation=consultation, action=action, actor=actor, **kw)
