"""Every word a customer (or a staff member) reads is marked for translation.

Templates are read as Jinja parses them, with its i18n extension: what is inside ``{% trans %}`` or
``_("…")`` becomes a gettext call, so any literal text left in the template (between tags, or in a
text attribute such as ``aria-label``) and any capitalised string literal handed to a macro or
printed is a word nobody can translate. Python is read as its syntax tree: flashed messages, form
labels and validation messages, and the ``services/texts`` modules must go through ``_``, ``_l`` or
``ngettext``. Whitespace, punctuation, digits and symbols (``·``, ``—``, ``←``) need no translation.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
LETTER = re.compile(r"[^\W\d_]")
TAG = re.compile(r"<(?!!--)[^>]*>", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
ENTITY = re.compile(r"&#?\w+;")
# Attributes written outside a tag, in a block that a tag takes in ({% set attrs %} id="…"{% endset %}).
LOOSE_ATTRIBUTE = re.compile(r"""[\w:-]+=(["'])[^"']*\1?""")
TEXT_ATTRIBUTE = re.compile(r"""\b(aria-label|aria-description|title|placeholder|alt|data-label|data-short)\s*=\s*["']([^"']*)["']""")
WORDS = re.compile(r"^[A-Z][^\s]*[a-z]")  # "Save", "No thanks, …": not "%02d", "success", "EUR"
GETTEXT = {"_", "gettext", "ngettext", "pgettext"}
# Calls whose string arguments are names, not words: template and endpoint names, formats, tones.
NAMES_NOT_WORDS = {"url_for", "format", "replace", "startswith", "endswith", "get", "split", "join",
                   "strftime", "submit_action"}


def _environment() -> Environment:
    return Environment(extensions=["jinja2.ext.i18n"])


def untranslated_text(data: str) -> list[str]:
    """The literal words in a piece of template text (HTML tags aside, their text attributes included)."""
    found = [value for _name, value in TEXT_ATTRIBUTE.findall(data) if LETTER.search(value)]
    text = LOOSE_ATTRIBUTE.sub(" ", ENTITY.sub(" ", TAG.sub(" ", COMMENT.sub(" ", data))))
    found += [chunk.strip() for chunk in re.split(r"\s{2,}|\n|\x00", text) if LETTER.search(chunk)]
    return found


def _literal_words(node, parent=None, in_gettext=False, in_compare=False, found=None) -> list[str]:
    found = [] if found is None else found
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in GETTEXT:
        in_gettext = True
    if isinstance(node, nodes.Call):
        callee = node.node
        name = callee.name if isinstance(callee, nodes.Name) else getattr(callee, "attr", None)
        if name in NAMES_NOT_WORDS:
            return found
    if isinstance(node, (nodes.Compare, nodes.Test, nodes.Getitem, nodes.Include, nodes.Import,
                         nodes.FromImport, nodes.Extends)):
        in_compare = True
    if isinstance(node, nodes.Filter) and node.name in ("format", "replace", "join", "default"):
        return found
    if isinstance(node, nodes.Pair):  # a dict's keys are names (states, tones), its values may be words
        _literal_words(node.value, node, in_gettext, in_compare, found)
        return found
    if (isinstance(node, nodes.Const) and isinstance(node.value, str) and not in_gettext and not in_compare
            and WORDS.search(node.value) and (" " in node.value or node.value.istitle())):
        found.append(node.value)
    for child in node.iter_child_nodes():
        _literal_words(child, node, in_gettext, in_compare, found)
    return found


def template_problems(source: str, name: str) -> list[str]:
    tree = _environment().parse(source)
    # The template's own text in document order, with a NUL where anything Jinja writes goes: an
    # HTML tag cut by an expression (<a href="{{ url }}">) reads whole again.
    skeleton = "\x00".join(data.data for data in tree.find_all(nodes.TemplateData))
    problems = [f"{name}: text {text!r}" for text in untranslated_text(skeleton)]
    problems += [f"{name}: string {text!r}" for text in _literal_words(tree)]
    return problems


def every_template() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


def test_every_template_marks_its_words_for_translation():
    problems = [problem for path in every_template()
                for problem in template_problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not problems, f"{len(problems)} words not marked for translation:\n" + "\n".join(problems[:60])


def test_the_template_check_finds_text_attributes_and_literals_it_should():
    assert template_problems('<p class="x">{% trans %}Hello{% endtrans %} <b>world</b></p>', "t") == ["t: text 'world'"]
    assert template_problems('<nav aria-label="Main">{{ _("Ok") }}</nav>', "t") == ["t: text 'Main'"]
    assert template_problems('{{ forms.submit("Save details", "edit") }}', "t") == ["t: string 'Save details'"]
    assert template_problems('{{ x or _("Not provided") }} {% if s == "Paid" %}·{% endif %}', "t") == []
    assert template_problems('<a href="{{ url_for("portal.home") }}">{{ _("Home") }}</a> — 42 %', "t") == []


# -- Python ------------------------------------------------------------------------------------------

PYTHON_AREAS = [ROOT / "views", ROOT / "services", ROOT / "app.py"]
FIELD = re.compile(r"Field$")
VALIDATORS = {"DataRequired", "InputRequired", "EqualTo", "Length", "NumberRange", "Email", "Optional", "Regexp"}
MARKERS = {"_", "_l", "ngettext", "gettext", "lazy_gettext"}


def _python_files() -> list[Path]:
    files = []
    for area in PYTHON_AREAS:
        files += [area] if area.is_file() else sorted(area.rglob("*.py"))
    return files


def _is_words(node) -> bool:
    return isinstance(node, (ast.Constant, ast.JoinedStr)) and (
        isinstance(node, ast.JoinedStr) or (isinstance(node.value, str) and LETTER.search(node.value)))


def _callee(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def python_problems(source: str, name: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        callee = _callee(node)
        if callee == "flash" and node.args and _is_words(node.args[0]):
            problems.append(f"{name}:{node.lineno}: flash() of an unmarked message")
        if FIELD.search(callee) and node.args and _is_words(node.args[0]):
            problems.append(f"{name}:{node.lineno}: form field label not marked")
        if callee in VALIDATORS:
            messages = [a for a in node.args if _is_words(a)] + [k.value for k in node.keywords
                                                               if k.arg == "message" and _is_words(k.value)]
            if callee == "EqualTo":
                messages = [a for a in node.args[1:] if _is_words(a)] + messages[len(node.args[:1]):]
            if messages:
                problems.append(f"{name}:{node.lineno}: {callee} message not marked")
    return problems


def texts_problems(source: str, name: str) -> list[str]:
    """In a ``services/texts`` module, every string with letters is a docstring, a name (a dict key
    such as ``"invoice"``, a format keyword) or inside ``_``/``_l``/``ngettext``."""
    tree = ast.parse(source)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            allowed.add(id(node.body[0].value))
        if isinstance(node, ast.Call) and _callee(node) in MARKERS:
            allowed.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Dict):
            allowed.update(id(k) for k in node.keys if k is not None)
        if isinstance(node, ast.keyword) and node.arg == "format":
            allowed.add(id(node.value))
        if isinstance(node, ast.ImportFrom):
            allowed.add(id(node))
    return [f"{name}:{node.lineno}: {node.value!r} is not marked for translation"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed
            and LETTER.search(node.value) and not (node.value.isidentifier() and node.value.islower())]


def test_flashes_forms_and_messages_in_python_are_marked():
    problems = [p for path in _python_files()
                for p in python_problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    texts = ROOT / "services" / "texts"
    # The package's __init__ is the machinery: locale codes, and each language's name in itself (the
    # switcher lists "Deutsch" to a French reader too, so that a German finds it).
    problems += [p for path in sorted(texts.glob("*.py")) if path.name != "__init__.py"
                 for p in texts_problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not problems, "\n".join(problems)


def test_the_python_check_finds_unmarked_words():
    assert python_problems('flash("Saved.", "success")', "m") == ["m:1: flash() of an unmarked message"]
    assert python_problems('flash(words.SAVED, "success")', "m") == []
    assert python_problems('x = StringField("Name", validators=[DataRequired("Enter it.")])', "m") == [
        "m:1: form field label not marked", "m:1: DataRequired message not marked"]
    assert python_problems('x = StringField(_l("Name"), validators=[DataRequired(_l("Enter it."))])', "m") == []
    assert texts_problems('X = "Paid"\nY = _l("Paid")', "t") == ["t:1: 'Paid' is not marked for translation"]
    assert texts_problems('def f(n):\n    return f"{n} days"', "t") == ["t:2: ' days' is not marked for translation"]
