"""Exchange with the 12351 / 12345 platforms (issue §5): the platform's column layout
(``columns``), the all-or-nothing order import (``importing``, a job above
``SYNC_MAX_ROWS``: ``jobs``), the export of replies and closure results in the same layout
(``exporting``), and their admin pages and API (``admin``, ``api``)."""
