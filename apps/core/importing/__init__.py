"""Excel import machinery shared by every import (members, honours roll, …): the safe sheet
reader (``sheet``, ``inline_text``), cell parsing (``cells``), the all-or-nothing report
(``report``), the private upload store (``uploads``), the admin's upload → preview → confirm
flow (``admin_flow``), the template writer (``template``) and the command helpers
(``command``). Each domain app keeps only its columns and its import service."""
