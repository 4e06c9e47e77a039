"""The rules that keep the customer side in one piece, checked over the whole source tree:
every endpoint a page or a route names exists; Zoho's state words live only in the policies; the
request pipeline (and the payment intents, and the CLI) are the only places that commit; and the
words customers read never mention Zoho."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from jinja2 import nodes

ROOT = Path(__file__).resolve().parents[2]
APP_SOURCES = [path for folder in ("services", "views", "db", "config") for path in (ROOT / folder).rglob("*.py")]
APP_SOURCES += [ROOT / "app.py", ROOT / "extensions.py"]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt"))
POLICY = ROOT / "services" / "policy"

# Zoho's status words (subscriptions, invoices, payments, credit notes, cards, secure pages, customers)
# and its list filters. Outside the Zoho client, only the policy modules may spell them.
ZOHO_STATES = {
    "live", "trial", "future", "dunning", "unpaid", "non_renewing", "cancelled", "cancelled_from_dunning",
    "expired", "trial_expired", "creation_failed", "paid", "sent", "viewed", "overdue", "partially_paid", "void",
    "draft", "written_off", "success", "failure", "failed", "refunded", "open", "closed", "force_cancelled",
    "inactive",
}
ZOHO_FILTER = re.compile(r"^(Status|PlanStatus|AddonStatus|SubscriptionStatus)\.\w+$")
LOGGER_NAMES = {"portal.access", "portal.db"}  # logger names that look like endpoints
COMMIT_ALLOWED = {ROOT / "views" / "pipeline.py", ROOT / "views" / "accounts_cli.py",
                  ROOT / "views" / "operations_cli.py", ROOT / "services" / "webhooks.py"}


@pytest.fixture(scope="module")
def app(sandbox_server):
    from app import create_app
    from tests.support.settings import portal_settings

    return create_app(portal_settings(sandbox_server))


def _template_endpoints(app, path: Path) -> set[str]:
    """Every endpoint a template passes to url_for as a literal."""
    source = path.read_text()
    tree = app.jinja_env.parse(source)
    found = set()
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "url_for" and call.args:
            first = call.args[0]
            if isinstance(first, nodes.Const) and isinstance(first.value, str):
                found.add(first.value)
    return found


def _python_endpoints(path: Path) -> set[str]:
    """Endpoint names in Python: the "blueprint.endpoint" strings that url_for calls and tables hold."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                r"(portal|auth|handoff|health)\.[a-z_]+", node.value) and node.value not in LOGGER_NAMES:
            found.add(node.value)
    return found


def test_every_endpoint_a_template_names_exists(app):
    missing = {(path.relative_to(ROOT).as_posix(), endpoint) for path in TEMPLATES
               for endpoint in _template_endpoints(app, path) if endpoint not in app.view_functions}
    assert missing == set()


def test_every_endpoint_the_code_names_exists(app):
    missing = {(path.relative_to(ROOT).as_posix(), endpoint) for path in APP_SOURCES
               for endpoint in _python_endpoints(path) if endpoint not in app.view_functions}
    assert missing == set()


def test_the_template_scan_sees_a_misspelt_endpoint(app, tmp_path):
    """The two tests above can fail: a template naming an endpoint the portal lacks is reported."""
    page = tmp_path / "page.html"
    page.write_text("<a href=\"{{ url_for('portal.invoice_lsit') }}\">Invoices</a>")
    assert _template_endpoints(app, page) == {"portal.invoice_lsit"}
    assert "portal.invoice_lsit" not in app.view_functions


def test_every_action_has_a_page_and_every_route_goes_back_somewhere_real(app):
    from services.policy import Action
    from views.portal.buttons import ACTION_PAGES

    for action, (endpoint, _, _) in ACTION_PAGES.items():
        assert endpoint in app.view_functions, action
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            route = getattr(app.view_functions[rule.endpoint], "route", None)
            if route is not None and isinstance(route.back, str):
                assert route.back in app.view_functions, (rule.endpoint, route.back)
    writes = {getattr(view, "route", None).action for view in app.view_functions.values()
              if getattr(view, "route", None) is not None and view.route.action is not None}
    unreachable = set(ACTION_PAGES) - {Action.PAY_ON_PAYMENT_PAGE, Action.CHANGE_ITEMS, Action.CANCEL_AT_TERM_END} - writes
    assert unreachable == set()


def _string_literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _strings(node, constants: dict[str, set[str]]) -> set[str]:
    """The string constants an expression stands for (a literal, a collection, or a module constant)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name):
        return constants.get(node.id, set())
    found: set[str] = set()
    for child in ast.iter_child_nodes(node):
        found |= _strings(child, constants)
    return found


def _is_status(node) -> bool:
    """``x.status``, ``status``, ``(x.status or "")``, ``getattr(x, "status", …)``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "status"
    if isinstance(node, ast.Name):
        return node.id == "status"
    if isinstance(node, ast.BoolOp):
        return any(_is_status(value) for value in node.values)
    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant) and node.args[1].value == "status")
    return False


def zoho_state_words(path: Path) -> set[str]:
    """Zoho state words a module decides on: compared with a status, used as the keys of a table of
    statuses, or Zoho's list filters."""
    tree = ast.parse(path.read_text())
    constants = {target.id: _strings(node.value, {}) for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(_is_status(o) for o in (node.left, *node.comparators)):
            for operand in (node.left, *node.comparators):
                found |= _strings(operand, constants) & ZOHO_STATES
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            if len(keys & ZOHO_STATES) > 1:
                found |= keys & ZOHO_STATES
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ZOHO_FILTER.match(node.value):
            found.add(node.value)
    return found


TEMPLATE_COMPARISON = re.compile(r"""status\b[^%}]*?(?:==|!=|\bin\b)\s*\(?\s*["']([a-z_]+)["']""")


def test_zohos_state_words_live_only_in_the_policy_modules():
    found = {f"{path.relative_to(ROOT)}: {sorted(zoho_state_words(path))}" for path in APP_SOURCES
             if POLICY not in path.parents and zoho_state_words(path)}
    found |= {f"{path.relative_to(ROOT)}: {word}" for path in TEMPLATES
              for word in TEMPLATE_COMPARISON.findall(path.read_text()) if word in ZOHO_STATES}
    assert found == set()


def test_the_state_word_scan_sees_a_status_decided_outside_the_policies(tmp_path):
    module = tmp_path / "view.py"
    module.write_text('ENDED = frozenset({"cancelled", "expired"})\n'
                      'def shows(sub):\n    return sub.status == "non_renewing" or sub.status in ENDED\n'
                      'LABELS = {"paid": "Paid", "void": "Void"}\n'
                      'def rows(zoho):\n    return zoho.plans.list(filter_by="PlanStatus.ACTIVE")\n')
    assert zoho_state_words(module) == {"non_renewing", "cancelled", "expired", "paid", "void", "PlanStatus.ACTIVE"}
    page = '{% if subscription.status in ("live", "trial") %}'
    assert TEMPLATE_COMPARISON.findall(page) == ["live"]


def test_only_the_pipeline_the_payment_intents_the_cli_and_the_webhook_worker_commit():
    committing = set()
    for path in APP_SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
                committing.add(path)
    assert committing - COMMIT_ALLOWED == set()
    intents = (ROOT / "services" / "payment_intents.py").read_text()
    assert "session.begin()" in intents and "Session(db.engine" in intents  # transactions of their own


# What customers must never read: the billing system's name, its raw status words (those no English
# sentence uses: the underscored ones and "dunning"), or placeholder glyphs standing in for an icon.
ZOHO = re.compile(r"zoho", re.IGNORECASE)
RAW_STATUS = re.compile(r"\b(" + "|".join(sorted(w for w in ZOHO_STATES if "_" in w) + ["dunning"]) + r")\b")
PLACEHOLDER_GLYPHS = re.compile("[\u25a0-\u25ff\u2600-\u26ff]")  # geometric shapes and symbols: ◆ ◇ ▭ ☐ …
# A template printing a status as it is ({{ invoice.status }}) would show Zoho's word.
RAW_STATUS_OUTPUT = re.compile(r"\{\{[^}]*\.status\s*(\}\}|\|(?!\s*(?:length|default)))")
STAFF_TEMPLATES = ROOT / "templates" / "staff"  # the support console speaks to staff, who know Zoho


def customer_templates() -> list[Path]:
    return [path for path in TEMPLATES if STAFF_TEMPLATES not in path.parents]


def _template_text(path: Path) -> str:
    """A template without its comments (notes for developers, never rendered)."""
    return re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.DOTALL)


def _customer_strings(path: Path):
    """(line, text) of every string literal of a ``services/texts`` module that a customer can read
    (docstrings are for developers)."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def words_customers_must_not_read(text: str) -> set[str]:
    found = {match.group(0).lower() for match in ZOHO.finditer(text)}
    found |= set(RAW_STATUS.findall(text)) | set(PLACEHOLDER_GLYPHS.findall(text))
    found |= {"raw .status output" for _ in RAW_STATUS_OUTPUT.finditer(text)}
    return found


def test_customer_words_never_mention_zoho_nor_show_its_states_or_placeholder_glyphs():
    """The words customers read (every template but the staff console's, every message of
    ``services/texts``) never name the billing system behind the portal, never show one of its raw
    status words, and hold no placeholder glyph where an icon belongs."""
    import services.texts as texts_package

    offenders = {f"{path.relative_to(ROOT)}: {sorted(found)}" for path in customer_templates()
                 if (found := words_customers_must_not_read(_template_text(path)))}
    for path in Path(texts_package.__file__).parent.glob("*.py"):
        for line, text in _customer_strings(path):
            if found := words_customers_must_not_read(text):
                offenders.add(f"{path.relative_to(ROOT)}:{line}: {sorted(found)}")
    assert offenders == set()


def test_the_customer_words_scan_sees_zoho_a_raw_state_and_a_glyph(tmp_path):
    """The scan above can fail: each kind of slip is reported."""
    assert words_customers_must_not_read("Pay on Zoho's secure page") == {"zoho"}
    assert words_customers_must_not_read("Your subscription is non_renewing") == {"non_renewing"}
    assert words_customers_must_not_read("Status: dunning") == {"dunning"}
    assert words_customers_must_not_read('<span class="mark">◆</span> card ▭') == {"◆", "▭"}
    assert words_customers_must_not_read("<td>{{ invoice.status }}</td>") == {"raw .status output"}
    assert words_customers_must_not_read("Payment failed · Cancels on Dec 20 · paid in full") == set()
    page = tmp_path / "page.html"
    page.write_text("{# a note about Zoho for developers #}<p>Hello</p>")
    assert words_customers_must_not_read(_template_text(page)) == set()
