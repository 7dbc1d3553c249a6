"""Service points demo (filled in below)."""


def demo_seeder(options: dict) -> list[str]:
    return []


def demo_summary() -> str:
    return ""
