"""List the UI strings of the source that the English catalogue does not translate.

    .venv/bin/python scripts/untranslated.py             # path:line  msgid, one a line
    .venv/bin/python scripts/untranslated.py --po-stub   # .po entries to fill in and append

Strings are read as `makemessages` reads them, without GNU gettext: Python files through
their syntax tree (`_()`, `gettext()`, `gettext_lazy()`, `ngettext()`, `pgettext()` … with
implicit string concatenation), templates through Django's own `templatize` (`{% translate
%}`, `{% blocktranslate %}` with `{{ var }}` as `%(var)s`, plurals, `trimmed`, `_("…")`
in filters). A string counts as translated when the .po holds it with a non-empty msgstr
(every plural form) and is not fuzzy. Exit 1 when something is untranslated.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "src" / "lindung"
PO_PATH = SOURCE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"

# name -> (index of msgctxt or None, index of msgid, index of msgid_plural or None)
FUNCTIONS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None), "_lazy": (None, 0, None),
    "gettext": (None, 0, None), "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1), "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None), "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2), "npgettext_lazy": (0, 1, 2),
}
SKIP_PARTS = {"migrations", "__pycache__", "node_modules", "static"}


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str | None
    context: str | None
    path: str
    line: int

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _string(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def messages_in_python(text: str, path: str, line_offset: int = 0) -> Iterator[Message]:
    """Every gettext call with literal arguments in Python source `text`."""
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call) or (name := _call_name(node)) not in FUNCTIONS:
            continue
        ctx_i, id_i, plural_i = FUNCTIONS[name]
        args = node.args
        if len(args) <= max(i for i in (ctx_i, id_i, plural_i) if i is not None):
            continue
        msgid = _string(args[id_i])
        if msgid is None or msgid == "":
            continue
        plural = _string(args[plural_i]) if plural_i is not None else None
        context = _string(args[ctx_i]) if ctx_i is not None else None
        yield Message(msgid, plural, context, path, node.lineno + line_offset)


_TEMPLATE_CALL = re.compile(r"(?<![\w])(n?p?gettext|_)\(")


def messages_in_template(text: str, path: str) -> Iterator[Message]:
    """Every translatable string of a Django template, as `makemessages` extracts it."""
    from django.utils.translation.template import templatize

    out = templatize(text)
    for match in _TEMPLATE_CALL.finditer(out):
        start = match.start()
        line = out.count("\n", 0, start) + 1
        # The call ends at the first ")" after which it parses (strings may hold ")").
        end = match.end()
        while (end := out.find(")", end)) != -1:
            end += 1
            try:
                tree = ast.parse(out[start:end], mode="eval")
            except SyntaxError:
                continue
            for found in messages_in_python(ast.unparse(tree), path):
                yield Message(found.msgid, found.plural, found.context, path, line)
            break


def source_messages(source_dir: Path = SOURCE_DIR) -> list[Message]:
    found: list[Message] = []
    for path in sorted(source_dir.rglob("*")):
        if SKIP_PARTS & set(path.relative_to(source_dir).parts) or not path.is_file():
            continue
        rel = str(path.relative_to(source_dir.parent.parent))
        if path.suffix == ".py":
            found += messages_in_python(path.read_text(encoding="utf-8"), rel)
        elif path.suffix in (".html", ".txt") and "templates" in path.parts:
            found += messages_in_template(path.read_text(encoding="utf-8"), rel)
    return found


def translated_keys(po_path: Path = PO_PATH) -> set[tuple[str | None, str]]:
    import polib

    keys = set()
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        done = (all(entry.msgstr_plural.values()) and bool(entry.msgstr_plural)
                if entry.msgid_plural else bool(entry.msgstr))
        if done:
            keys.add((entry.msgctxt, entry.msgid))
    return keys


def untranslated(source_dir: Path = SOURCE_DIR, po_path: Path = PO_PATH) -> list[Message]:
    """The source's messages missing from the .po or left empty there, first use of each."""
    done = translated_keys(po_path)
    seen: set[tuple[str | None, str]] = set()
    out = []
    for m in source_messages(source_dir):
        if m.key in done or m.key in seen:
            continue
        seen.add(m.key)
        out.append(m)
    return out


def _po_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def po_stub(messages: list[Message]) -> str:
    """Entries to fill in and append to the .po."""
    blocks = []
    for m in messages:
        lines = [f"#: {m.path.removeprefix('src/lindung/')}:{m.line}"]
        if m.context is not None:
            lines.append(f"msgctxt {_po_string(m.context)}")
        lines.append(f"msgid {_po_string(m.msgid)}")
        if m.plural is not None:
            lines += [f"msgid_plural {_po_string(m.plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
        else:
            lines.append('msgstr ""')
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--po", type=Path, default=PO_PATH)
    parser.add_argument("--source", type=Path, default=SOURCE_DIR)
    parser.add_argument("--po-stub", action="store_true",
                        help="print .po entries with empty msgstr instead of a list")
    args = parser.parse_args(argv)
    missing = untranslated(args.source, args.po)
    if args.po_stub:
        sys.stdout.write(po_stub(missing))
    else:
        for m in missing:
            print(f"{m.path}:{m.line}\t{m.msgid}")
        print(f"{len(missing)} untranslated", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=True)  # templatize needs settings, not the project's
    django.setup()
    sys.exit(main())
