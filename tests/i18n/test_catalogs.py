"""The translation catalogs against a fresh extraction of the code: every supported language has
every message, none empty or fuzzy, each with the placeholders of the English text, and none naming
the billing system behind the portal where the English does not. A catalog is read as its ``.po``
source (the ``.mo`` files are built by the install step, not committed)."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.texts import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
TAG = re.compile(r"</?([a-z]+)\b")


def extracted() -> dict:
    """msgid (a str, or a (singular, plural) tuple) → where it is, by babel.cfg, as `pybabel extract` does."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={**KEYWORDS, "_l": None}):
        if str(filename).startswith((".venv", "tests")):
            continue
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def messages() -> dict:
    return extracted()


def catalog(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as source:
        return read_po(source, locale=locale)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES[1:])
def test_every_message_is_translated_without_fuzz(locale, messages):
    po = catalog(locale)
    problems = []
    for msgid, where in messages.items():
        entry = po.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r} ({where[0]})")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"empty: {msgid!r} ({where[0]})")
        # A message used both alone and with a plural is one catalog entry, keyed by its singular.
        english = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        wanted = placeholders(english[-1])
        for string in strings:
            if placeholders(string) != wanted and not (len(english) == 2 and placeholders(string)
                                                       == sorted(set(wanted) - {"count"})):
                problems.append(f"placeholders {placeholders(string)} ≠ {wanted}: {msgid!r} → {string!r}")
            if sorted(TAG.findall(string)) != sorted(TAG.findall(english[-1])):
                problems.append(f"HTML tags differ: {msgid!r} → {string!r}")
    assert not problems, f"{locale}: {len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES[1:])
def test_a_catalog_declares_the_languages_plural_rule_and_is_not_fuzzy(locale):
    from babel.messages.plurals import get_plural

    po = catalog(locale)
    assert not po.fuzzy, f"{locale}: the catalog header is marked fuzzy (pybabel compile would skip it)"
    rule = get_plural(locale)
    assert (po.num_plurals, po.plural_expr) == (rule.num_plurals, rule.plural_expr)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES[1:])
def test_translations_never_name_the_billing_system_the_english_does_not(locale):
    from tests.portal.test_spine import words_customers_must_not_read

    problems = []
    for entry in catalog(locale):
        if not entry.id:
            continue
        english = " ".join(entry.id) if isinstance(entry.id, tuple) else entry.id
        translated = " ".join(entry.string) if isinstance(entry.string, tuple) else entry.string
        added = words_customers_must_not_read(translated) - words_customers_must_not_read(english)
        if added:
            problems.append(f"{sorted(added)}: {entry.id!r} → {translated!r}")
    assert not problems, "\n".join(problems)


def test_the_catalog_test_catches_a_missing_an_empty_and_a_fuzzy_translation(tmp_path, messages):
    """The checks above fail when they should: a catalog with one message missing, one empty, one
    fuzzy and one placeholder renamed."""
    from babel.messages.pofile import write_po

    po = catalog("de")
    ids = [m.id for m in po if m.id and isinstance(m.id, str) and "%(" in m.id][:3]
    po.delete(ids[0])
    po[ids[1]].string = ""
    po[ids[2]].flags.add("fuzzy")
    buffer = BytesIO()
    write_po(buffer, po)
    buffer.seek(0)
    broken = read_po(buffer, locale="de")
    missing = [m for m in messages if broken.get(m) is None]
    empty = [m for m in messages if broken.get(m) is not None and broken.get(m).string == ""]
    fuzzy = [m for m in messages if broken.get(m) is not None and broken.get(m).fuzzy]
    assert missing == [ids[0]] and empty == [ids[1]] and fuzzy == [ids[2]]


def test_the_app_refuses_to_start_without_compiled_catalogs(tmp_path, monkeypatch, make_app):
    """A supported language whose catalog is not compiled (or older than its source) would show
    English without a word: the app says so instead of starting."""
    import views.language as language

    fake = tmp_path / "translations"
    for locale in SUPPORTED_LOCALES[1:]:
        folder = fake / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_bytes((TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").read_bytes())
    monkeypatch.setattr(language, "TRANSLATIONS_DIR", fake)
    with pytest.raises(language.CatalogsNotCompiled, match="scripts/install.sh"):
        make_app()
