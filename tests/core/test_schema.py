"""The OpenAPI schema generates cleanly: every endpoint is described, no warnings."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/members/{id}/reveal/" in text and "/api/v1/organizations/" in text
