import pytest


@pytest.fixture(autouse=True)
def mutual_aid_plans(request):
    """The migration's plans, back after a transactional test flushed the database."""
    if not request.node.get_closest_marker("django_db") and "db" not in request.fixturenames \
            and "tree" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from apps.mutual_aid.reference import load_plans

    load_plans(apps.get_model)
