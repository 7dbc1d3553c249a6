import pytest
from knox.models import AuthToken
from tests.api.test_schema_fuzz import api_schema, in_test_transaction, seed, CHECKS

pytestmark = [pytest.mark.django_db]

def test_dbg(tree, users):
    seed(tree)
    token = AuthToken.objects.create(user=users["municipal"])[1]
    schema = api_schema()
    with in_test_transaction() as app:
        for path in ["/api/v1/competitions/entries/", "/api/v1/members/"]:
            op = schema[path]["GET"]
            case = op.Case()
            r = case.call(app=app, headers={"Authorization": f"Token {token}"})
            print(r.status_code, r.text[:400])
            try:
                case.validate_response(r, checks=CHECKS)
            except BaseException as e:
                print("FAILED", str(e)[:800])
