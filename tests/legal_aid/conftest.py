import pytest

from apps.accounts.enums import Role
from tests.factories.orgs import make_user


@pytest.fixture(autouse=True)
def petitions_reference(request):
    """The petitions migration's reference data (a consultation turned into a case needs its
    categories), back after a transactional test flushed the database."""
    if not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from apps.petitions.models import CalendarYear, Category
    from apps.petitions.reference import load_reference

    if not (Category.objects.exists() and CalendarYear.objects.exists()):
        load_reference(apps.get_model)


@pytest.fixture
def people(tree, users):
    """A member (teacher) of 清华, another member of 朝阳, two lawyers of the centre."""
    return {
        **users,
        "member": users["teacher"],
        "other_member": make_user("t_cy_member", tree.chaoyang, Role.TEACHER),
        "lawyer1": make_user("t_lawyer1", tree.root, Role.LAWYER),
        "lawyer2": make_user("t_lawyer2", tree.root, Role.LAWYER),
    }
