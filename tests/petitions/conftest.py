import pytest


@pytest.fixture(autouse=True)
def petitions_reference(request):
    """The migration's reference data (categories, rules, calendar), back after a
    transactional test flushed the database."""
    if not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from apps.petitions.models import CalendarYear, Category
    from apps.petitions.reference import load_reference

    if not (Category.objects.exists() and CalendarYear.objects.exists()):
        load_reference(apps.get_model)
