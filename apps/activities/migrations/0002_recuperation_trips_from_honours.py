"""Move the honours app's recuperation trips (疗休养, e.g. the 31 model workers to 张家界) into
the activities engine, keeping every participant, then delete the old rows: one mechanism.

Each old trip becomes an activity (kind 疗休养, rule "on the honours roll") with one session
on the trip's date and as many places as it had participants; each participant an attended
application with a participation record (checked in by the organiser's list). The old
title, unit and notes are kept. Reversible: going back recreates the honours rows from the
migrated activities (matched by title) and deletes them here."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

MARK = "（由荣誉模块迁移）"


def forwards(apps, schema_editor):
    Old = apps.get_model("honours", "Activity")
    Activity = apps.get_model("activities", "Activity")
    Session = apps.get_model("activities", "Session")
    Application = apps.get_model("activities", "Application")
    Participation = apps.get_model("activities", "Participation")
    for old in Old.objects.filter(kind="recuperation").order_by("id"):
        people = list(old.participants.all().order_by("id"))
        start = timezone.make_aware(dt.datetime.combine(old.date - dt.timedelta(days=60), dt.time(9)))
        activity = Activity.objects.create(
            kind="recuperation", title=old.title, organization_id=old.organization_id,
            description=(old.notes + "\n" if old.notes else "") + MARK, opens_at=start,
            closes_at=start + dt.timedelta(days=30), allocation="first_come", rules=[{"rule": "honoured"}],
            published=True)
        session = Session.objects.create(activity=activity, name="第1期", starts_on=old.date, ends_on=old.date,
                                         places=max(len(people), 1))
        checked = timezone.make_aware(dt.datetime.combine(old.date, dt.time(9)))
        for member in people:
            application = Application.objects.create(
                session=session, member_id=member.pk, organization_id=member.organization_id, status="attended",
                checked_in_at=checked, check_in_method="list")
            Participation.objects.create(session=session, member_id=member.pk, application=application,
                                         method="list", attended_on=old.date)
        old.participants.clear()
        old.delete()


def backwards(apps, schema_editor):
    Old = apps.get_model("honours", "Activity")
    Activity = apps.get_model("activities", "Activity")
    for activity in Activity.objects.filter(kind="recuperation", description__contains=MARK):
        session = activity.sessions.order_by("starts_on").first()
        old = Old.objects.create(kind="recuperation", date=session.starts_on, title=activity.title,
                                 organization_id=activity.organization_id,
                                 notes=activity.description.replace(MARK, "").strip())
        old.participants.set([a.member_id for a in session.applications.all()])
        for s in activity.sessions.all():
            s.participations.all().delete()
            s.applications.all().delete()
            s.delete()
        activity.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("honours", "0007_residence_and_award_year"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
