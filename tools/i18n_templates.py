"""The project's templates as gettext sources: check, extract, wrap.

    python tools/i18n_templates.py check            # CJK text outside translate tags (exit 1 if any)
    python tools/i18n_templates.py extract          # add the templates' msgids missing from the catalogue
    python tools/i18n_templates.py wrap FILE...     # wrap a template's Chinese text in translate tags

No system gettext is needed. Extraction reads each template the way Django's ``makemessages``
does (``django.utils.translation.template.templatize`` turns it into gettext calls) and reads
those calls with Babel's Python extractor; new msgids are appended to
``locale/zh_Hans/LC_MESSAGES/django.po`` with the source text as the translation (Chinese source
strings, LANGUAGE_CODE zh-hans), so every page renders exactly as written.

``wrap`` is the one-off conversion used for the project's templates (and for the petitions
templates at merge): every run of Chinese text between markup becomes ``{% translate "…" %}``,
a run holding ``{{ variables }}`` becomes ``{% blocktranslate with … %}…{% endblocktranslate %}``,
a Chinese string literal inside a tag or variable becomes ``_("…")``, and ``{% load i18n %}`` is
added on the first line. It verifies that undoing the wrapping gives back the original text,
byte for byte, so what a page shows cannot change.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# Templates left out of the check (none: every template is a gettext source).
EXEMPT: tuple[str, ...] = ()


def template_files() -> list[Path]:
    files = sorted(ROOT.glob("templates/**/*.html")) + sorted(ROOT.glob("templates/**/*.txt"))
    files += sorted(ROOT.glob("apps/*/templates/**/*.html")) + sorted(ROOT.glob("apps/*/templates/**/*.txt"))
    return [f for f in files if not str(f.relative_to(ROOT)).startswith(EXEMPT)]


def _setup_django() -> None:
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_portal.settings")
    import django

    django.setup()


# --- check ---------------------------------------------------------------------------------

I18N_LITERAL = re.compile(r"""_\(\s*(?:"[^"]*"|'[^']*')\s*\)""")


def untranslated(source: str) -> list[str]:
    """The pieces of ``source`` holding Chinese outside ``translate``/``blocktranslate`` tags,
    ``_("…")`` literals and comments."""
    from django.template.base import Lexer, TokenType

    found, in_block, in_comment = [], False, False
    for token in Lexer(source).tokenize():
        contents = token.contents
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            word = contents.split()[0] if contents.split() else ""
            if word == "comment":
                in_comment = True
            elif word == "endcomment":
                in_comment = False
            elif word in ("blocktranslate", "blocktrans"):
                in_block = True
            elif word in ("endblocktranslate", "endblocktrans"):
                in_block = False
            if in_comment or word in ("translate", "trans"):
                continue
        if in_comment or in_block:
            continue
        if token.token_type == TokenType.TEXT:
            rest = contents
        else:
            rest = I18N_LITERAL.sub("", contents)
        if CJK.search(rest):
            found.append(rest.strip()[:80])
    return found


# --- extract -------------------------------------------------------------------------------

def template_msgids(source: str) -> list[tuple[str, str | None]]:
    """(msgid, msgctxt) of every translatable string in a template, as makemessages finds them."""
    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    code = "\n".join(line.lstrip() for line in templatize(source).splitlines())  # xgettext-style: no indents
    keywords = {"gettext": None, "_": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2),
                "npgettext": ((1, "c"), 2, 3)}
    out = []
    for _lineno, func, message, _comments in extract_python(io.BytesIO(code.encode()), keywords, [], {}):
        if func in ("pgettext", "npgettext"):
            out.append((message[1], message[0]))
        elif isinstance(message, tuple):
            out.append((message[0], None))
        else:
            out.append((message, None))
    return out


def catalogue_msgids() -> set[tuple[str, str | None]]:
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    return {((m.id[0] if isinstance(m.id, tuple) else m.id), m.context) for m in catalogue if m.id}


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def extract() -> int:
    have = catalogue_msgids()
    new = []
    for path in template_files():
        for msgid, context in template_msgids(path.read_text(encoding="utf-8")):
            if (msgid, context) not in have:
                have.add((msgid, context))
                new.append((msgid, context, path.relative_to(ROOT)))
    if new:
        with CATALOGUE.open("a", encoding="utf-8") as fh:
            for msgid, context, path in new:
                fh.write(f"\n#: {path}\n")
                if context:
                    fh.write(f"msgctxt {_po_string(context)}\n")
                fh.write(f"msgid {_po_string(msgid)}\nmsgstr {_po_string(msgid)}\n")
    print(f"{len(new)} new msgids added to {CATALOGUE.relative_to(ROOT)}")
    return 0


# --- wrap ----------------------------------------------------------------------------------

LITERAL = re.compile(r"""(?<![\w)])("[^"]*"|'[^']*')""")
VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _wrap_literals(contents: str) -> str:
    """Chinese string literals in a tag or variable become ``_("…")``."""
    def sub(match):
        literal = match.group(1)
        start = match.start(1)
        if not CJK.search(literal) or contents[max(0, start - 2):start] == "_(":
            return literal
        return f"_({literal})"
    return LITERAL.sub(sub, contents)


def _var_name(expression: str, taken: set[str]) -> str:
    base = expression.split("|")[0].split(".")[-1]
    base = base if VAR_NAME.fullmatch(base) else "value"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    taken.add(name)
    return name


def _message(atoms: list[tuple[str, str]]) -> str:
    """``{% translate %}`` or ``{% blocktranslate %}`` for a run of text and variables."""
    if all(kind == "text" for kind, _ in atoms):
        text = "".join(value for _, value in atoms)
        if '"' not in text:
            return '{% translate "' + text + '" %}'
        if "'" not in text:
            return "{% translate '" + text + "' %}"
    body, withs, taken = [], [], set()
    for kind, value in atoms:
        if kind == "text":
            body.append(value)
            continue
        expression = value.strip()
        if VAR_NAME.fullmatch(expression):
            body.append("{{ " + expression + " }}")
            taken.add(expression)
        else:
            name = _var_name(expression, taken)
            withs.append(f"{name}={_wrap_literals(expression)}")
            body.append("{{ " + name + " }}")
    head = "{% blocktranslate" + (" with " + " ".join(withs) if withs else "") + " %}"
    return head + "".join(body) + "{% endblocktranslate %}"


def wrap(source: str) -> str:
    """The template with its Chinese text in translate tags (see the module docstring)."""
    from django.template.base import DebugLexer, TokenType

    out: list[str] = []
    run: list[tuple[str, str]] = []  # the current run of text and variables in one context
    state = {"tag": False, "quote": "", "skip": 0}

    def flush():
        if not run:
            return
        if not any(kind == "text" and CJK.search(value) for kind, value in run):
            out.extend(value if kind == "text" else "{{" + value + "}}" for kind, value in run)
        else:
            first = next(i for i, (k, v) in enumerate(run) if k == "var" or v.strip())
            last = max(i for i, (k, v) in enumerate(run) if k == "var" or v.strip())
            lead_kind, lead = run[first]
            tail_kind, tail = run[last]
            out.extend(v if k == "text" else "{{" + v + "}}" for k, v in run[:first])
            atoms = list(run[first:last + 1])
            if lead_kind == "text":
                stripped = lead.lstrip()
                out.append(lead[:len(lead) - len(stripped)])
                atoms[0] = ("text", stripped)
            trailing = ""
            if tail_kind == "text":
                stripped = atoms[-1][1].rstrip()
                trailing = atoms[-1][1][len(stripped):]
                atoms[-1] = ("text", stripped)
            out.append(_message(atoms))
            out.append(trailing)
            out.extend(v if k == "text" else "{{" + v + "}}" for k, v in run[last + 1:])
        run.clear()

    in_comment = False
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        raw = source[start:end]
        if token.token_type == TokenType.COMMENT:
            flush()
            out.append(raw)
            continue
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split()[0] if token.contents.split() else ""
            in_comment = in_comment or word == "comment"
            flush()
            out.append(raw if in_comment else raw[:2] + _wrap_literals(raw[2:-2]) + raw[-2:])
            in_comment = in_comment and word != "endcomment"
            continue
        if in_comment:
            out.append(raw)
            continue
        if token.token_type == TokenType.VAR:
            inner = raw[2:-2]
            if state["tag"] and not state["quote"]:
                flush()
                out.append("{{" + _wrap_literals(inner) + "}}")
            else:
                run.append(("var", _wrap_literals(inner) if not CJK.search(inner) else inner))
                if CJK.search(inner):  # a variable holding a Chinese literal stands alone
                    kind, value = run.pop()
                    flush()
                    out.append("{{" + _wrap_literals(value) + "}}")
            continue
        text = ""
        for ch in raw:  # TEXT: follow the HTML state; markup, newlines and context changes end a run
            if state["tag"]:
                if state["quote"]:
                    if ch == state["quote"]:
                        run.append(("text", text)) if text else None
                        text = ""
                        flush()
                        state["quote"] = ""
                        out.append(ch)
                    else:
                        text += ch
                    continue
                if ch in "\"'":
                    state["quote"] = ch
                elif ch == ">":
                    state["tag"] = False
                out.append(ch)
                continue
            if ch == "<" or ch == "\n":
                if text:
                    run.append(("text", text))
                    text = ""
                flush()
                if ch == "<":
                    state["tag"] = True
                out.append(ch)
                continue
            text += ch
        if text:
            run.append(("text", text))
    flush()
    result = "".join(out)
    if result != source and "{% load i18n %}" not in result:
        extends = re.match(r"\s*\{% extends [^%]*%\}", result)
        cut = extends.end() if extends else 0
        result = result[:cut] + "{% load i18n %}" + result[cut:]
    return result


def unwrap(source: str, *, added_load: bool = True) -> str:
    """Undo ``wrap`` (for its self-check): the text as it was written."""
    if added_load:
        source = source.replace("{% load i18n %}", "", 1)

    from django.utils.text import smart_split

    def block(match):
        withs = dict(pair.split("=", 1) for pair in smart_split(match.group(1) or ""))
        body = match.group(2)
        return re.sub(r"\{\{ (\w+) \}\}", lambda m: "{{ " + withs.get(m.group(1), m.group(1)) + " }}", body)

    source = re.sub(r"\{% blocktranslate(?: with (.*?))? %\}(.*?)\{% endblocktranslate %\}", block,
                    source, flags=re.S)
    source = re.sub(r"""\{% translate "([^"]*)" %\}|\{% translate '([^']*)' %\}""",
                    lambda m: m.group(1) if m.group(1) is not None else m.group(2), source)
    return re.sub(r"""_\(("[^"]*"|'[^']*')\)""", r"\1", source)


def _normalise_vars(source: str) -> str:
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", r"{{ \1 }}", source)


def main(argv: list[str]) -> int:
    _setup_django()
    command = argv[0] if argv else "check"
    if command == "check":
        bad = {str(p.relative_to(ROOT)): untranslated(p.read_text(encoding="utf-8")) for p in template_files()}
        bad = {k: v for k, v in bad.items() if v}
        for path, pieces in bad.items():
            print(path, pieces)
        return 1 if bad else 0
    if command == "extract":
        return extract()
    if command == "wrap":
        for name in argv[1:]:
            path = Path(name)
            source = path.read_text(encoding="utf-8")
            wrapped = wrap(source)
            undone = unwrap(wrapped, added_load="{% load i18n %}" not in source)
            if _normalise_vars(undone) != _normalise_vars(source):
                print(f"{name}: wrapping would change the page; left as it was", file=sys.stderr)
                continue
            path.write_text(wrapped, encoding="utf-8")
            left = untranslated(wrapped)
            print(f"{name}: {'ok' if not left else 'still to wrap by hand: ' + repr(left)}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
