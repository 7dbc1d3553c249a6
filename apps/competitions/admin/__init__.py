"""Staff admin for competitions, in parts: the structure of editions (structure.py) with the
preview and publish buttons (publish.py), entries and quotas (entries.py), judges and score
sheets (judging.py), results (results.py); shared pieces in common.py. Every write calls a
service of ``apps.competitions.services``."""

from . import entries, judging, results, structure  # noqa: F401  (register)
