"""The batch page's live figures: paid / failed / sum paid refresh with the progress bar
(static/js/job-progress.js, no inline script, CSP clean)."""

from __future__ import annotations

from apps.accounts.enums import Role
from apps.core.enums import JobKind, JobStatus
from apps.core.models import Job
from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchPurpose
from apps.payments.models import PaymentBatch
from apps.payments.services import payment_batch_create
from tests.factories.orgs import PASSWORD, make_user


def test_batch_page_figures_follow_the_job(live_server, page, tree, users):
    viewer = make_user("t_payments_viewer", tree.haidian, Role.UNIT_ADMIN, password=PASSWORD)
    with scopes_disabled():
        batch = payment_batch_create(organization=tree.haidian, title="春节慰问",
                                     purpose=BatchPurpose.FESTIVAL_CONDOLENCE, actor=users["haidian"])
        job = Job.objects.create(kind=JobKind.PAYMENT_DISBURSE, organization=tree.haidian, started_by=viewer,
                                 status=JobStatus.RUNNING, done=0, total=3,
                                 result={"paid": 0, "failed": 0, "paid_sum": "0.00"})
        PaymentBatch.objects.filter(pk=batch.pk).update(job=job)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", viewer.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    response = page.goto(f"{live_server.url}/admin/payments/paymentbatch/{batch.pk}/change/")
    assert response.status == 200
    assert page.locator('[data-job-field="paid"]').inner_text() == "0"

    with scopes_disabled():
        Job.objects.filter(pk=job.pk).update(done=2, result={"paid": 1, "failed": 1, "paid_sum": "100.00"})
    page.wait_for_function("document.querySelector('[data-job-field=\"failed\"]').textContent === '1'")
    assert page.locator('[data-job-field="paid"]').inner_text() == "1"
    assert page.locator('[data-job-field="paid_sum"]').inner_text() == "100.00"
    assert page.locator("#job-done").inner_text() == "2"

    with scopes_disabled():
        Job.objects.filter(pk=job.pk).update(done=3, status=JobStatus.SUCCEEDED,
                                             result={"paid": 2, "failed": 1, "paid_sum": "200.00"})
    page.wait_for_function("document.querySelector('[data-job-field=\"paid\"]').textContent === '2'")
    assert page.locator('[data-job-field="paid_sum"]').inner_text() == "200.00"
    assert page.log.problems() == [], page.log.summary(page.log.problems())
