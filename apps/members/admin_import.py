"""Admin: the template download and the upload → preview → confirm import."""


class MemberImportAdminMixin:
    import_actions: tuple[str, ...] = ()
