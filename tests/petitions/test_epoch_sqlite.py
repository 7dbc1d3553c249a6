"""The embedded database of ``make run`` (SQLite) reads moments as epoch microseconds too: the
rates and deadline lists use them on every admin home. The SQLite form of ``EpochMicros`` runs
here on Python's own sqlite3 over the text Django stores (UTC, with or without microseconds)."""

import datetime as dt
import sqlite3

from django.db import connections
from django.db.models.sql import Query

from apps.accounts.models import User
from apps.petitions.deadlines import epoch_us, to_epoch_us


def test_sqlite_epoch_microseconds_are_exact():
    # the SQL Django's SQLite compiler makes for the annotation, on a one-column table named as the model's
    query = Query(User)
    query.add_annotation(epoch_us("date_joined"), "us")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**connections["default"].settings_dict, "ENGINE": "django.db.backends.sqlite3",
                               "NAME": ":memory:"}, alias="epoch-probe")
    sql, params = query.annotations["us"].as_sqlite(query.get_compiler(connection=wrapper), wrapper)
    moments = [dt.datetime(2025, 10, 1, 1, 2, 3, 456789, tzinfo=dt.UTC), dt.datetime(2026, 2, 16, 23, 59, 59, tzinfo=dt.UTC),
               dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)]
    db = sqlite3.connect(":memory:")
    db.execute('CREATE TABLE "accounts_user" ("date_joined" text)')
    for moment in moments:  # as Django's SQLite backend stores an aware datetime
        db.execute('INSERT INTO "accounts_user" VALUES (?)', (wrapper.ops.adapt_datetimefield_value(moment),))
    got = [row[0] for row in db.execute(f'SELECT {sql} FROM "accounts_user"', params)]
    assert got == [to_epoch_us(m) for m in moments]
