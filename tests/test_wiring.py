"""One way for an app to wire itself to the apps below it: everything it hooks into them (panels,
navigation entries, signal receivers, registries it fills) is in `<app>/hooks.py`, whose
`connect()` its AppConfig.ready() calls and nothing else does; no module registers anything when
it is imported. And route names are written out where they are defined, so a search finds them.

The rules are read from the source with ast; what the hooks make is read after django.setup()."""

from __future__ import annotations

import ast
import gc
import importlib
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from django.dispatch import Signal
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "registry_import", "surveys", "dispatch", "reporting", "demo", "bench")
# The apps that hook into the base; the demo and the benchmarks only use the others.
WIRED = ("portal", "registry_import", "surveys", "dispatch", "reporting")
REGISTRY_METHODS = {"append", "add", "update", "extend", "insert", "setdefault"}
SIGNAL_KEYWORDS = {"dispatch_uid", "sender", "weak"}


def modules() -> Iterator[tuple[Path, ast.Module]]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _module_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _fills_module_state(function: ast.FunctionDef, state: set[str]) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Global):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in REGISTRY_METHODS
            and _root_name(node.func.value) in state
        ):
            return True
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Subscript) and _root_name(t) in state for t in targets):
                return True
    return False


def registrars() -> set[str]:
    """The hooks an app offers: module-level functions named `*_register` that fill a registry
    kept in their module (not, say, `research_project_register`, which saves a row)."""
    found = set()
    for _path, tree in modules():
        state = _module_names(tree)
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef)
                and node.name.endswith("_register")
                and _fills_module_state(node, state)
            ):
                found.add(node.name)
    return found


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _dotted(node: ast.expr) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _imported(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """What each name imported anywhere in the module (ready() imports inside functions)
    stands for: (module, attribute) or (module, None)."""
    names: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0],
                    None,
                )
    return names


def _is_signal(tree: ast.Module, expression: ast.expr) -> bool:
    """Whether `expression` names a Signal through the module's imports (a local variable,
    such as allauth's `sociallogin`, is not one)."""
    dotted = _dotted(expression)
    if not dotted or dotted[0] not in (imported := _imported(tree)):
        return False
    module, attribute = imported[dotted[0]]
    value: object = importlib.import_module(module)
    for part in ([attribute] if attribute else []) + dotted[1:]:
        if not hasattr(value, part):
            if isinstance(value, ModuleType):
                # `from allauth.mfa import signals`: a submodule not yet imported.
                value = importlib.import_module(f"{value.__name__}.{part}")
                continue
            return False
        value = getattr(value, part)
    return isinstance(value, Signal)


def wiring_calls(tree: ast.Module, hooks: set[str]) -> Iterator[ast.expr]:
    """Every call in the module that hooks into another app's registry or a signal."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # `@receiver(signal)` is a call, found below; a bare `@receiver` is not.
            for decorator in node.decorator_list:
                if (_dotted(decorator) or [""])[-1] == "receiver":
                    yield decorator
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name in hooks or name == "receiver":
            yield node
        elif name == "connect" and isinstance(node.func, ast.Attribute):
            keywords = {k.arg for k in node.keywords}
            if keywords & SIGNAL_KEYWORDS or _is_signal(tree, node.func.value):
                yield node


def _reader_sees_every_way_of_wiring() -> None:
    source = (
        "from django.dispatch import receiver\n"
        "from portal.front.panels import nav_register\n"
        "from surveys.signals import round_closed\n"
        "def wire(sociallogin):\n"
        "    nav_register(None)\n"
        "    round_closed.connect(print)\n"
        "    @receiver(round_closed, dispatch_uid='x')\n"
        "    def f(sender, **kwargs): ...\n"
        "    sociallogin.connect(None, None)\n"
    )
    calls = wiring_calls(ast.parse(source), {"nav_register"})
    assert sorted(call.lineno for call in calls) == [5, 6, 7]


def _is_hooks_module(path: Path) -> bool:
    return path.name == "hooks.py" and path.parent.parent == ROOT and path.parent.name in WIRED


def test_only_an_apps_hooks_module_wires_it_and_only_inside_connect():
    hooks = registrars()
    assert {"nav_register", "panel_register", "personal_tables_register"} <= hooks
    _reader_sees_every_way_of_wiring()
    wrong = []
    for path, tree in modules():
        calls = list(wiring_calls(tree, hooks))
        if not _is_hooks_module(path):
            wrong += [f"{rel(path)}:{call.lineno}" for call in calls]
            continue
        # In hooks.py itself nothing may run at import: every registration sits in a function.
        inside = {id(n) for f in tree.body if isinstance(f, ast.FunctionDef) for n in ast.walk(f)}
        wrong += [
            f"{rel(path)}:{call.lineno} at import" for call in calls if id(call) not in inside
        ]
        names = [f.name for f in tree.body if isinstance(f, ast.FunctionDef)]
        assert "connect" in names, f"{rel(path)} has no connect()"
    assert wrong == []


def _ready(tree: ast.Module) -> ast.FunctionDef | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "ready":
            return node
    return None


def _is_logging(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.If):
        return all(_is_logging(s) for s in statement.body + statement.orelse)
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and (_dotted(statement.value.func) or [""])[0] in {"logger", "logging"}
    )


def _is_hooks_connect(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and _dotted(statement.value.func) == ["hooks", "connect"]
    )


def test_each_ready_only_calls_its_hooks_connect_and_nothing_else_calls_it():
    for app in APPS:
        path = ROOT / app / "apps.py"
        source = path.read_text(encoding="utf-8") if path.exists() else ""
        ready = _ready(ast.parse(source))
        if app not in WIRED:
            assert ready is None and not (ROOT / app / "hooks.py").exists(), app
            continue
        assert ready is not None and (ROOT / app / "hooks.py").exists(), app
        body = ready.body
        own_import = [
            s
            for s in body
            if isinstance(s, ast.ImportFrom)
            and s.module == app
            and [a.name for a in s.names] == ["hooks"]
        ]
        assert len(own_import) == 1 and sum(map(_is_hooks_connect, body)) == 1, app
        rest = [s for s in body if s not in own_import and not _is_hooks_connect(s)]
        assert all(_is_logging(s) for s in rest), f"{app}.apps ready() does more than connect"
    callers = [
        f"{rel(path)}:{node.lineno}"
        for path, tree in modules()
        if path.name != "apps.py"
        for node in ast.walk(tree)
        if (isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".hooks"))
        or (
            isinstance(node, ast.ImportFrom)
            and node.module in WIRED
            and "hooks" in [a.name for a in node.names]
        )
        or (isinstance(node, ast.Call) and _dotted(node.func) == ["hooks", "connect"])
    ]
    assert callers == []


# What the hooks connect, as they did when each app still wired itself its own way, plus the
# two-factor flag's receiver, which was connected only once the middleware's module had been
# imported and is now connected at start-up.
PANELS = {
    "calendar",
    "dispatch",
    "national_response_rates",
    "reporting-latest",
    "reporting-targets-due",
    "response_rates",
    "rounds_waiting",
}
NAV = {
    "ar_answers",
    "materials",
    "audit",
    "county_contact",
    "dispatch",
    "office_annual_report",
    "office_list_check",
    "office_board",
    "quality",
    "register_import",
    "reporting-research",
    "reporting-targets",
    "response_rates",
    "results",
    "rounds",
    "samples",
    "support_lookup",
    "users",
}
RECEIVERS = {
    "allauth.account.signals.password_changed": {"audit_password_changed"},
    "allauth.account.signals.password_reset": {"portal-login-lock-lift", "audit_password_reset"},
    "allauth.mfa.signals.authentication_failed": {"audit_mfa_failed"},
    "allauth.mfa.signals.authenticator_added": {"audit_mfa_added"},
    "allauth.mfa.signals.authenticator_removed": {"audit_mfa_removed", "portal_forget_two_factor"},
    "allauth.mfa.signals.authenticator_reset": {"audit_mfa_reset"},
    "anymail.signals.tracking": {"dispatch_tracking"},
    "django.contrib.auth.signals.user_logged_in": {"audit_login"},
    "django.contrib.auth.signals.user_logged_out": {"audit_logout"},
    "django.contrib.auth.signals.user_login_failed": {"audit_login_failed"},
    "django.db.models.signals.post_delete": {"registry_import_extract_deleted"},
    "django.db.models.signals.post_save": {"registry_import_extract_saved"},
    "registry_import.signals.import_succeeded": {"surveys.samples_after_register_import"},
    "surveys.signals.personal_data_purging": {"dispatch_personal_data_purging"},
    "surveys.signals.results_published": {"dispatch_results_published"},
    "surveys.signals.round_closed": {"reporting_publish"},
    "surveys.signals.round_closing": {"dispatch_round_closing"},
}


def _project_receivers(signal: Signal) -> list[tuple[object, str]]:
    found = []
    for key, ref, _is_async in signal.receivers:
        function = ref() if isinstance(ref, weakref.ReferenceType) else ref
        if getattr(function, "__module__", "").split(".")[0] in APPS:
            found.append((key[0], function.__module__))
    return found


def test_after_setup_every_panel_entry_receiver_and_table_is_connected():
    from dispatch.models import Message, RecordedMessage
    from portal.front import panels
    from surveys.services.rewrite import personal_tables

    assert set(panels._registry.panels) == PANELS
    assert set(panels._registry.nav) == NAV
    for dotted, uids in RECEIVERS.items():
        module, name = dotted.rsplit(".", 1)
        signal = getattr(importlib.import_module(module), name)
        assert {uid for uid, _module in _project_receivers(signal)} == uids, dotted
    assert {Message._meta.db_table, RecordedMessage._meta.db_table} <= set(personal_tables())
    # Every receiver of ours, on any signal, is connected once under its dispatch_uid.
    # type(), not isinstance(): isinstance would evaluate lazy objects other tests left alive.
    signals = [s for s in gc.get_objects() if issubclass(type(s), Signal)]
    ours = [r for s in signals for r in _project_receivers(s)]
    assert all(isinstance(uid, str) for uid, _module in ours)
    assert sum(len(uids) for uids in RECEIVERS.values()) == len(ours)


def _named_routes(patterns: list, urlconf: str) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.urlconf_name
            name = inner if isinstance(inner, str) else getattr(inner, "__name__", "")
            yield from _named_routes(pattern.url_patterns, name)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield urlconf, pattern.name


def _literal_route_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and _called_name(node) in {"path", "re_path"}:
            name = next((k.value for k in node.keywords if k.arg == "name"), None)
            if name is not None:
                assert isinstance(name, ast.Constant), f"{rel(path)}:{node.lineno}"
                names.append(str(name.value))
    return names


def test_every_route_name_is_written_out_in_its_urls_module():
    routes = list(_named_routes(get_resolver().url_patterns, "portal.urls"))
    ours = [(urlconf, name) for urlconf, name in routes if urlconf.split(".")[0] in APPS]
    assert {urlconf for urlconf, _name in ours} >= {"dispatch.urls", "reporting.urls"}
    for urlconf, name in ours:
        path = ROOT / Path(*urlconf.split(".")).with_suffix(".py")
        assert name in _literal_route_names(path), f"{name} is not written out in {rel(path)}"
