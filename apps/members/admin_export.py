"""Admin: export of the filtered member list to Excel."""


class MemberExportAdminMixin:
    export_actions: tuple[str, ...] = ()
