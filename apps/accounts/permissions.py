"""Every permission of the portal and which role holds it: the one place to look.

Permissions are Django permission strings (``app_label.codename``) so the admin, DRF and
views all check them with ``user.has_perm``; ``RoleBackend`` answers from this table for
the role the user is acting in. Nothing is granted through groups or per-user rows.
Later apps add their named permissions (approve, reveal, score …) here.
"""

from __future__ import annotations

from .enums import Role


def crud(label: str, *, view=True, add=False, change=False, delete=False) -> set[str]:
    app, model = label.split(".")
    wanted = {"view": view, "add": add, "change": change, "delete": delete}
    return {f"{app}.{action}_{model}" for action, ok in wanted.items() if ok}


# Named permissions that are not a model's CRUD.
VIEW_AUDIT_LOG = "core.view_auditlog"
SWITCH_ROLE = "accounts.switch_role"
REVEAL_PERSONAL_DATA = "members.reveal_personal_data"
APPROVE_PAYMENT_BATCH = "payments.approve_paymentbatch"
DISBURSE_PAYMENT_BATCH = "payments.disburse_paymentbatch"

# Payments: units build and submit batches; approvers (and the municipal admin) approve.
_PAYMENT_MAKER = (
    crud("payments.paymentbatch", add=True, change=True)
    | crud("payments.paymentitem", add=True)
    | crud("payments.paymentapproval")
)
_PAYMENT_CHECKER = (
    crud("payments.paymentbatch") | crud("payments.paymentitem") | crud("payments.paymentapproval")
    | {APPROVE_PAYMENT_BATCH, DISBURSE_PAYMENT_BATCH}
)

# Honours: the municipal admin keeps the titles and the roll; units see their subtree's honours.
_HONOURS_KEEPER = (
    crud("honours.honourtitle", add=True, change=True)
    | crud("honours.honour", add=True, change=True)
    | crud("honours.activity", add=True, change=True, delete=True)
    | crud("honours.nominationcampaign", add=True, change=True)
    | crud("honours.nominationquota", add=True, change=True)
    | crud("honours.nomination", change=True)  # reviews, notices and decides (nomination_transition)
    | crud("honours.allowanceschedule", add=True, change=True)  # allowance schedules; change = generate a batch
)
# Units see their subtree's honours and nominate within their quota (nomination_submit).
_HONOURS_VIEWER = (
    crud("honours.honour") | crud("honours.activity")
    | crud("honours.nominationcampaign") | crud("honours.nominationquota") | crud("honours.nomination", add=True)
)

# Competitions: the municipal admin runs editions, judges and publishing; units approve their
# teachers' entries within quotas; teachers register; judges score their assignments only.
PUBLISH_EDITION = "competitions.publish_edition"
REGISTER_ENTRY = "competitions.register_entry"
SCORE_ENTRY = "competitions.score_entry"
_COMPETITIONS_KEEPER = (
    crud("competitions.series", change=True)
    | crud("competitions.edition", add=True, change=True)
    | crud("competitions.group", add=True, change=True, delete=True)
    | crud("competitions.stage", add=True, change=True, delete=True)
    | crud("competitions.criterion", add=True, change=True, delete=True)
    | crud("competitions.unitquota", add=True, change=True, delete=True)
    | crud("competitions.prizerule", add=True, change=True, delete=True)
    | crud("competitions.prizebonus", add=True, change=True, delete=True)
    | crud("competitions.judgeassignment", add=True, change=True, delete=True)
    | crud("competitions.conflictdeclaration", add=True, change=True, delete=True)
    | crud("competitions.entry", change=True)
    | crud("competitions.teammember") | crud("competitions.teacheraccount")
    | crud("competitions.scoresheet") | crud("competitions.stageresult")
    | crud("competitions.award") | crud("competitions.certificate") | crud("competitions.talentpoolentry")
    | {PUBLISH_EDITION}
)
_COMPETITIONS_UNIT = (
    crud("competitions.edition") | crud("competitions.group") | crud("competitions.unitquota")
    | crud("competitions.entry", change=True)  # change = approve / reject within the unit's quota
    | crud("competitions.teammember") | crud("competitions.stageresult")
    | crud("competitions.award") | crud("competitions.certificate") | crud("competitions.talentpoolentry")
)

# Petitions (12351 诉求): the municipal union receives, dispatches, closes and calls back, and
# keeps the calendar, rules and categories; units sign, contact, reply, return, ask for more time.
DISPATCH_CASE = "petitions.dispatch_case"
REVEAL_PETITIONER = "petitions.reveal_petitioner"
_PETITIONS_KEEPER = (
    crud("petitions.case", add=True, change=True)
    | crud("petitions.caseevent") | crud("petitions.caseattachment")
    | crud("petitions.category", add=True, change=True)
    | crud("petitions.calendaryear", add=True, change=True)
    | crud("petitions.calendarday", add=True, change=True, delete=True)
    | crud("petitions.deadlinerule", change=True)
    | crud("petitions.platformaccount", add=True, change=True)
    | crud("petitions.labourwarning")  # the warnings' own admin list (moves: the case's change permission)
    | {DISPATCH_CASE, REVEAL_PETITIONER}
)
_PETITIONS_UNIT = (
    crud("petitions.case", change=True) | crud("petitions.caseevent") | crud("petitions.caseattachment")
    | crud("petitions.platformaccount", add=True, change=True) | crud("petitions.labourwarning")
)

# Legal aid (法律援助): members (acting as teachers) ask; the municipal legal-aid centre assigns a
# lawyer, closes, turns a consultation into a case; a lawyer answers the ones assigned to them only.
ASK_CONSULTATION = "legal_aid.ask_consultation"
ANSWER_CONSULTATION = "legal_aid.answer_consultation"
ASSIGN_CONSULTATION = "legal_aid.assign_consultation"
_LEGAL_AID_READ = (crud("legal_aid.consultation") | crud("legal_aid.consultationmessage")
                   | crud("legal_aid.consultationattachment"))
# Service points and cross-university booking (服务阵地与预约): units keep their points and open
# resources (patterns, slots), check in and record no-shows; the municipal union keeps the
# recognitions/grants and the fair-use rules; teachers book.
BOOK_SLOT = "service_points.book_slot"
# A teacher sees the resources and slots open to them and their own bookings (person scope).
_SERVICE_POINTS_TEACHER = (
    {BOOK_SLOT} | crud("service_points.resource") | crud("service_points.slot") | crud("service_points.booking")
)
_SERVICE_POINTS_UNIT = (
    crud("service_points.servicepoint", add=True, change=True)
    | crud("service_points.recognition") | crud("service_points.pointphoto", add=True)
    | crud("service_points.resource", add=True, change=True)
    | crud("service_points.slotpattern", add=True, change=True, delete=True)
    | crud("service_points.slot") | crud("service_points.booking", change=True)
)
_SERVICE_POINTS_KEEPER = (
    _SERVICE_POINTS_UNIT | crud("service_points.recognition", add=True, change=True)
    | crud("service_points.fairusepolicy", add=True, change=True)
)

# Activities (活动与名额): organisers (municipal, district and university unions) run activities,
# sessions, draws, attendance and clubs in their subtree; members apply through the portal.
APPLY_ACTIVITY = "activities.apply_activity"
_ACTIVITIES_ORGANISER = (
    crud("activities.activity", add=True, change=True)
    | crud("activities.session", add=True, change=True)
    | crud("activities.application", change=True)
    | crud("activities.participation")
    | crud("activities.costrecord", add=True)
    | crud("activities.club", add=True, change=True)
    | crud("activities.clubmembership")
)
_ACTIVITIES_MEMBER = (
    crud("activities.activity") | crud("activities.session") | crud("activities.application", add=True)
    | crud("activities.club") | {APPLY_ACTIVITY}
)

# Welfare condolences (慰问): the municipal admin keeps the policies; units run campaigns in their
# subtree (change = generate / cancel), record occasions (clerks) and approve them (unit admins).
APPROVE_OCCASION = "condolences.approve_occasion"
_CONDOLENCE_UNIT = (
    crud("condolences.policy")
    | crud("condolences.campaign", add=True, change=True)
    | crud("condolences.distribution", change=True)
    | crud("condolences.occasion", add=True)
    | crud("condolences.grant")
)
_CONDOLENCE_KEEPER = _CONDOLENCE_UNIT | crud("condolences.policy", add=True, change=True) | {APPROVE_OCCASION}
# 从教30周年 and the outbox: units build and confirm their roll (change = build / confirm / reopen);
# the municipal union issues the certificates; administrators see the outbox of their subtree.
ISSUE_THIRTY_CERTIFICATES = "milestones.issue_thirtyyearroll"
_THIRTY_UNIT = crud("milestones.thirtyyearroll", change=True) | crud("milestones.thirtyyearhonoree")
_THIRTY_KEEPER = _THIRTY_UNIT | {ISSUE_THIRTY_CERTIFICATES} | crud("core.outboxmessage", change=True)


# Welfare aid (mutual aid, hardship files, the love fund): the municipal union keeps the plans
# and the fund and approves above the thresholds; units enrol, file claims and applications and
# approve up to the thresholds; clerks file, never approve.
APPROVE_MUTUAL_AID = "mutual_aid.approve_municipal"
APPROVE_HARDSHIP = "hardship.approve_municipal"
_WELFARE_AID_UNIT_FILING = (
    crud("mutual_aid.plan") | crud("mutual_aid.enrolment", add=True) | crud("mutual_aid.claim", add=True)
    | crud("mutual_aid.claimevidence")
    | crud("hardship.hardshipfile", add=True) | crud("hardship.hardshipreview")
    | crud("hardship.aidapplication", add=True) | crud("hardship.aidevidence")
    | crud("hardship.lovefund") | crud("hardship.fundentry")
)
_WELFARE_AID_UNIT = (
    _WELFARE_AID_UNIT_FILING | crud("mutual_aid.claim", add=True, change=True)
    | crud("hardship.hardshipfile", add=True, change=True) | crud("hardship.aidapplication", add=True, change=True)
    | crud("hardship.fundentry", add=True)
)
_WELFARE_AID_KEEPER = (
    _WELFARE_AID_UNIT | crud("mutual_aid.plan", add=True, change=True)
    | crud("hardship.lovefund", add=True, change=True) | {APPROVE_MUTUAL_AID, APPROVE_HARDSHIP}
)

# Users and roles: municipal and unit administrators manage the users of their subtree
# (which roles each may grant is apps/accounts/services.GRANTABLE); change = revoke / deactivate.
_USER_MANAGER = crud("accounts.user", add=True, change=True) | crud("accounts.roleassignment", add=True, change=True)

_UNIT_RECORDS = (
    crud("organizations.organization", add=True, change=True)
    | crud("organizations.committee", add=True, change=True, delete=True)
    | crud("organizations.committeemember", add=True, change=True, delete=True)
    | crud("organizations.congress", add=True, change=True, delete=True)
    | crud("organizations.cluster")
    | crud("core.job", add=True)
    | crud("members.member", add=True, change=True)
    | crud("members.memberstatuschange")
)

_CLERK_RECORDS = (
    crud("organizations.organization")
    | crud("organizations.committee", add=True, change=True)
    | crud("organizations.committeemember", add=True, change=True)
    | crud("organizations.congress", add=True, change=True)
    | crud("organizations.cluster")
    | crud("core.job", add=True)
    | crud("members.member", add=True, change=True)
    | crud("members.memberstatuschange")
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.MUNICIPAL_ADMIN: frozenset(
        _UNIT_RECORDS
        | crud("organizations.organization", add=True, change=True, delete=False)
        | crud("organizations.cluster", add=True, change=True, delete=True)
        | {VIEW_AUDIT_LOG, REVEAL_PERSONAL_DATA} | _USER_MANAGER
        | _PAYMENT_MAKER | _PAYMENT_CHECKER
        | _HONOURS_KEEPER
        | _COMPETITIONS_KEEPER
        | _PETITIONS_KEEPER
        | _LEGAL_AID_READ | {ASSIGN_CONSULTATION}
        | _SERVICE_POINTS_KEEPER
        | _ACTIVITIES_ORGANISER
        | _CONDOLENCE_KEEPER
        | _THIRTY_KEEPER
        | _WELFARE_AID_KEEPER
    ),
    # Unit administrators may reveal personal data (audited); clerks see it masked only.
    Role.UNIT_ADMIN: frozenset(
        _UNIT_RECORDS | {VIEW_AUDIT_LOG, REVEAL_PERSONAL_DATA} | _USER_MANAGER | _PAYMENT_MAKER
        | {DISBURSE_PAYMENT_BATCH}
        | _HONOURS_VIEWER | _COMPETITIONS_UNIT | _PETITIONS_UNIT | {REVEAL_PETITIONER}
        | _SERVICE_POINTS_UNIT | _ACTIVITIES_ORGANISER | _CONDOLENCE_UNIT | {APPROVE_OCCASION}
        | _THIRTY_UNIT | crud("core.outboxmessage") | _WELFARE_AID_UNIT
    ),
    Role.UNIT_CLERK: frozenset(_CLERK_RECORDS | _PAYMENT_MAKER | _HONOURS_VIEWER | _COMPETITIONS_UNIT
                               | _PETITIONS_UNIT | _SERVICE_POINTS_UNIT | _ACTIVITIES_ORGANISER
                               | _CONDOLENCE_UNIT
                               | crud("milestones.thirtyyearroll") | crud("milestones.thirtyyearhonoree")
                               | _WELFARE_AID_UNIT_FILING),
    Role.PAYMENT_APPROVER: frozenset(crud("organizations.organization") | crud("core.job") | _PAYMENT_CHECKER),
    Role.JUDGE: frozenset({SCORE_ENTRY}),
    Role.TEACHER: frozenset({REGISTER_ENTRY, ASK_CONSULTATION} | _LEGAL_AID_READ | _SERVICE_POINTS_TEACHER
                            | _ACTIVITIES_MEMBER),
    Role.LAWYER: frozenset({ANSWER_CONSULTATION} | _LEGAL_AID_READ),
}


def permissions_for(role: str | None) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()
