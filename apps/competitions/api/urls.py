"""/api/v1/competitions/…: editions and groups (api/editions.py), entries with their state
actions (api/entries.py), judges' score sheets (api/scores.py), awards and certificates
(api/results.py)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.include_root_view = False
# each module registers its viewsets on ``router`` in register(router)
from . import editions, entries, results, scores  # noqa: E402

for module in (editions, entries, scores, results):
    module.register(router)

urlpatterns = [path("", include(router.urls))]
