"""Static checks of docker-compose.yml and the Dockerfile (no Docker engine, no database).

The central piece is ``command_problems``: it reads a service command (a list, a plain
string, or ``sh -c "a && b"``), finds every Python entry point it names -- ``gunicorn
pkg.mod:attr``, ``celery -A pkg``, ``python manage.py <command>``, ``python -m module`` --
and reports each one that does not exist in this repository. A new service whose command
names a missing module therefore fails ``test_service_commands_name_existing_modules``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

REQUIRED_SERVICES = ("postgres", "redis", "web", "worker", "beat")
APP_SERVICES = ("web", "worker", "beat")
SECRET_VARS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY")
# Where settings put STATIC_ROOT inside the image (VAR_DIR=/app/var).
IMAGE_STATIC_ROOT = "/app/var/staticfiles"


# --- loading -----------------------------------------------------------------------------
def load_compose(path: Path = COMPOSE_FILE) -> dict:
    # safe_load resolves the x-env / x-app anchors and `<<:` merge keys.
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def service_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # ["KEY=value", ...] form
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


# --- command parsing ---------------------------------------------------------------------
_SHELLS = {"sh", "bash", "/bin/sh", "/bin/bash"}
_SEPARATORS = re.compile(r"&&|\|\||;|\n|\|")
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PREFIXES = {"exec", "env", "nice", "nohup", "time"}


def simple_commands(command) -> list[list[str]]:
    """Split a compose/Dockerfile command into its simple commands (argv lists).

    Accepts a list (exec form) or a string; unwraps ``sh -c "<script>"`` and splits the
    script on ``&&``, ``||``, ``;``, ``|`` and newlines. Leading ``exec``/``env`` and
    ``VAR=value`` assignments are dropped.
    """
    if command is None:
        return []
    argv = list(command) if isinstance(command, (list, tuple)) else shlex.split(str(command))
    argv = [str(arg) for arg in argv]
    if argv and argv[0] in _SHELLS:
        flags = [i for i, arg in enumerate(argv) if arg.startswith("-") and "c" in arg[1:]]
        if flags and flags[0] + 1 < len(argv):
            result: list[list[str]] = []
            for part in _SEPARATORS.split(argv[flags[0] + 1]):
                result.extend(simple_commands(part))
            return result
    while argv and (argv[0] in _PREFIXES or _ENV_ASSIGNMENT.match(argv[0])):
        argv = argv[1:]
    return [argv] if argv else []


def _module_file(dotted: str, root: Path) -> Path | None:
    """The file that defines module ``dotted`` under ``root``, or None."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _defines_name(path: Path, name: str) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                return True
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def _check_gunicorn(args: list[str], root: Path) -> list[str]:
    specs = [a for a in args if not a.startswith("-") and re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", a)]
    if not specs:
        return [f"gunicorn: no 'module:attribute' application in {args!r}"]
    problems = []
    for spec in specs:
        module, attr = spec.split(":")
        path = _module_file(module, root)
        if path is None:
            problems.append(f"gunicorn: module {module!r} not found (no {module.replace('.', '/')}.py)")
        elif not _defines_name(path, attr):
            problems.append(f"gunicorn: {path.relative_to(root)} defines no {attr!r}")
    return problems


def _celery_app_problem(target: str) -> str | None:
    from celery import Celery
    from celery.app.utils import find_app

    try:
        app = find_app(target)
    except Exception as exc:  # noqa: BLE001 - reported as the finding
        return f"celery: -A {target}: cannot load a Celery app ({exc.__class__.__name__}: {exc})"
    if not isinstance(app, Celery):
        return f"celery: -A {target} resolves to {type(app).__name__}, not a Celery app"
    return None


def _check_celery(args: list[str], root: Path) -> list[str]:
    target = None
    for i, arg in enumerate(args):
        if arg in ("-A", "--app") and i + 1 < len(args):
            target = args[i + 1]
        elif arg.startswith("--app="):
            target = arg.split("=", 1)[1]
        elif arg.startswith("-A") and len(arg) > 2:
            target = arg[2:]
        if target:
            break
    if not target:
        return [f"celery: no -A/--app in {args!r}"]
    module = target.split(":")[0]
    top = module.split(".")[0]
    if _module_file(top, root) is None:
        return [f"celery: package {top!r} not found (no {top}/__init__.py or {top}.py)"]
    if _module_file(module, root) is None:
        return [f"celery: module {module!r} not found"]
    problem = _celery_app_problem(target)
    return [problem] if problem else []


def _check_python(args: list[str], root: Path) -> list[str]:
    if not args:
        return []
    if args[0] == "-c":
        return []  # inline code (health checks), nothing to resolve
    if args[0] == "-m" and len(args) > 1:
        module = args[1]
        if module == "django":
            return _check_manage(args[2:], root, need_manage_py=False)
        if importlib.util.find_spec(module) is None:
            return [f"python -m {module}: module not found"]
        return []
    script = args[0]
    if Path(script).name == "manage.py":
        return _check_manage(args[1:], root, script=script)
    if script.endswith(".py") and not (root / script).is_file():
        return [f"python: script {script!r} not found"]
    return []


def _check_manage(args: list[str], root: Path, script: str = "manage.py", need_manage_py: bool = True) -> list[str]:
    from django.core.management import get_commands

    problems = []
    if need_manage_py and not (root / script).is_file():
        problems.append(f"{script} not found under {root}")
    names = [a for a in args if not a.startswith("-")]
    if not names:
        problems.append(f"{script}: no management command given")
    elif names[0] not in get_commands():
        problems.append(f"{script}: unknown management command {names[0]!r}")
    return problems


def command_problems(command, root: Path = ROOT) -> list[str]:
    """Every Python entry point named in ``command`` that does not exist in ``root``."""
    problems: list[str] = []
    for argv in simple_commands(command):
        program = Path(argv[0]).name
        if program == "gunicorn":
            problems += _check_gunicorn(argv[1:], root)
        elif program == "celery":
            problems += _check_celery(argv[1:], root)
        elif re.fullmatch(r"python(3(\.\d+)?)?", program):
            problems += _check_python(argv[1:], root)
        elif program == "manage.py":
            problems += _check_manage(argv[1:], root, script=argv[0])
    return problems


def healthcheck_command(service: dict):
    """The healthcheck as something ``command_problems`` reads, or None."""
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, list) and test:
        if test[0] == "CMD":
            return test[1:]
        if test[0] == "CMD-SHELL":
            return ["sh", "-c", " ".join(test[1:])]
        if test[0] == "NONE":
            return None
    return test


def compose_problems(compose: dict, root: Path = ROOT) -> dict[str, list[str]]:
    """{service: problems} for the command and health check of every built service."""
    found = {}
    for name, service in (compose.get("services") or {}).items():
        if "command" not in service and "build" not in service:
            continue  # a stock image (postgres, redis): its command is not ours
        problems = command_problems(service.get("command"), root)
        problems += command_problems(healthcheck_command(service), root)
        if problems:
            found[name] = problems
    return found


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        logical.append(current)
        current = ""
    pairs = []
    for text in logical:
        keyword, _, rest = text.partition(" ")
        pairs.append((keyword.upper(), rest.strip()))
    return pairs


def _dockerfile_form(arguments: str):
    if arguments.startswith("["):
        return json.loads(arguments)  # exec form
    return ["sh", "-c", arguments]  # shell form


# --- tests: compose ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


def test_required_services_exist(compose):
    services = compose.get("services") or {}
    missing = [name for name in REQUIRED_SERVICES if name not in services]
    assert not missing, f"docker-compose.yml lacks services {missing}"


def test_services_have_healthchecks(compose):
    services = compose["services"]
    # beat may go without one; if it has one, all five are required to.
    required = REQUIRED_SERVICES if "healthcheck" in services.get("beat", {}) else REQUIRED_SERVICES[:-1]
    for name in required:
        check = services[name].get("healthcheck") or {}
        assert check.get("test"), f"service {name!r} has no healthcheck test"
        assert not check.get("disable"), f"service {name!r} disables its healthcheck"


def test_app_services_have_commands(compose):
    for name in APP_SERVICES:
        assert simple_commands(compose["services"][name].get("command")), f"{name!r} has no command"


def test_service_commands_name_existing_modules(compose):
    assert compose_problems(compose) == {}


def test_web_runs_migrate_then_gunicorn(compose):
    programs = [argv[:3] for argv in simple_commands(compose["services"]["web"]["command"])]
    assert programs[0][:3] == ["python", "manage.py", "migrate"], programs
    assert programs[-1][0] == "gunicorn", programs


def test_celery_app_is_exposed():
    from celery import Celery

    module = importlib.import_module("union_portal.celery")
    assert isinstance(getattr(module, "app", None), Celery)


def test_app_services_wait_for_healthy_backends(compose):
    for name in APP_SERVICES:
        depends = compose["services"][name].get("depends_on") or {}
        for backend in ("postgres", "redis"):
            assert isinstance(depends, dict) and backend in depends, f"{name} must depend on {backend}"
            assert depends[backend].get("condition") == "service_healthy", (name, backend)


def test_secrets_are_required_host_references(compose):
    pattern = {var: re.compile(r"^\$\{" + var + r":\?[^}]*\}$") for var in SECRET_VARS}
    for name, service in compose["services"].items():
        env = service_env(service)
        if name in APP_SERVICES:
            for var in SECRET_VARS:
                assert var in env, f"service {name!r} does not set {var}"
        for var in SECRET_VARS:
            if var in env:
                assert pattern[var].match(env[var]), (
                    f"{name}: {var} must be '${{{var}:?...}}', not a literal or a default"
                )


def test_no_secret_literal_in_compose_text():
    lines = COMPOSE_FILE.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    for var in SECRET_VARS:
        for match in re.finditer(rf"\b{var}\b\s*[:=]\s*(\S.*)$", text, re.MULTILINE):
            value = match.group(1).strip().strip("\"'")
            assert value.startswith("${" + var + ":?"), f"{var} has a literal value: {match.group(0)!r}"


def test_var_volume_is_shared_and_keeps_image_static_files(compose):
    def named_mounts(service):
        mounts = {}
        for volume in service.get("volumes") or []:
            if isinstance(volume, str):
                source, _, rest = volume.partition(":")
                mounts[rest.split(":")[0]] = source
            else:
                mounts[volume.get("target")] = volume.get("source")
        return mounts

    web, worker = named_mounts(compose["services"]["web"]), named_mounts(compose["services"]["worker"])
    shared = {t: s for t, s in web.items() if t and t.startswith("/app/var") and worker.get(t) == s}
    assert shared, "web and worker must share a volume under /app/var for uploaded/generated files"
    assert all(source in (compose.get("volumes") or {}) for source in shared.values()), "not a named volume"
    for name in APP_SERVICES:
        for target in named_mounts(compose["services"][name]):
            # A volume on /app/var (or /app/var/staticfiles) would hide the static files
            # collected at build time behind the copy from the first build.
            assert not (IMAGE_STATIC_ROOT + "/").startswith(target.rstrip("/") + "/"), (
                f"{name}: volume at {target} shadows STATIC_ROOT {IMAGE_STATIC_ROOT}"
            )


# --- tests: the checker itself -------------------------------------------------------------
def test_checker_reports_missing_modules():
    fake = {
        "services": {
            "ok": {"build": ".", "command": ["celery", "-A", "union_portal", "worker"]},
            "web2": {
                "build": ".",
                "command": 'sh -c "python manage.py migrate --noinput && '
                'exec gunicorn union_portal.wsgi_missing:application --bind 0.0.0.0:8000"',
            },
            "mailer": {"build": ".", "command": "celery -A no_such_pkg worker --loglevel=INFO"},
            "cron": {"build": ".", "command": ["python", "manage.py", "no_such_command"]},
            "attr": {"build": ".", "command": ["gunicorn", "union_portal.wsgi:missing_app"]},
            "notapp": {"build": ".", "command": ["celery", "-A", "union_portal.settings", "beat"]},
            "db": {"image": "postgres:15"},
        }
    }
    problems = compose_problems(fake)
    assert set(problems) == {"web2", "mailer", "cron", "attr", "notapp"}, problems
    assert "union_portal.wsgi_missing" in " ".join(problems["web2"])
    assert "no_such_pkg" in " ".join(problems["mailer"])
    assert "no_such_command" in " ".join(problems["cron"])
    assert "missing_app" in " ".join(problems["attr"])


def test_checker_parses_command_forms():
    assert simple_commands(["sh", "-c", "A=1 exec celery -A x worker; python manage.py check"]) == [
        ["celery", "-A", "x", "worker"],
        ["python", "manage.py", "check"],
    ]
    assert simple_commands("gunicorn a.b:c --workers 2") == [["gunicorn", "a.b:c", "--workers", "2"]]
    assert command_problems("python manage.py migrate --noinput") == []
    assert command_problems(["celery", "--app=union_portal", "beat"]) == []
    assert command_problems("python -m no_such_module_xyz") == ["python -m no_such_module_xyz: module not found"]


# --- tests: Dockerfile ----------------------------------------------------------------------
def test_dockerfile_cmd_names_existing_module():
    instructions = dockerfile_instructions()
    entrypoint = [args for kw, args in instructions if kw == "ENTRYPOINT"]
    cmd = [args for kw, args in instructions if kw == "CMD"]
    assert cmd or entrypoint, "Dockerfile has neither CMD nor ENTRYPOINT"
    argv = (_dockerfile_form(entrypoint[-1]) if entrypoint else []) + (
        _dockerfile_form(cmd[-1]) if cmd else []
    )
    assert argv[0] == "gunicorn" or "gunicorn" in " ".join(argv), argv
    assert command_problems(argv) == []


def test_dockerfile_bakes_in_no_secret():
    for keyword, args in dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            for var in SECRET_VARS:
                assert not re.search(rf"\b{var}\b", args), f"Dockerfile {keyword} sets {var}"


def test_dockerfile_runs_as_non_root():
    users = [args for kw, args in dockerfile_instructions() if kw == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
