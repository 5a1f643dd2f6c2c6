"""The drafting templates as the generator uses them: Jinja2 sources in, paragraphs out.

The sources are passed in (the service reads the files: `backend.drafting.load_templates`), so the
generator does no I/O. Templates run in Jinja2's sandbox: a firm's edited template can format
text, not reach into Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.nlp.generation.phrasing import capitalize, join_list

PHRASES = "phrases.j2"
BOILERPLATE = "boilerplate.j2"
TEMPLATE_NAMES = (PHRASES, BOILERPLATE)

_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with", "via"}
)


def title_case(text: str) -> str:
    """"wheeled hand truck for moving loads" -> "Wheeled Hand Truck for Moving Loads"."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        if i and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        elif word[:1].islower():
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
    return " ".join(out)


def _join(items: Any) -> str:
    items = [str(i) for i in items]
    separator = "; " if any("," in i for i in items) and len(items) > 2 else ", "
    return join_list(items, separator=separator)


class TemplateError(ValueError):
    """A template that does not compile, fails to render or lacks a macro the generator calls.

    `message` names the template file and, where known, the line; it never quotes the values the
    template was rendering (they are the claims' words)."""

    def __init__(self, message: str, *, template: str | None = None, line: int | None = None) -> None:
        message = " ".join(message.split())
        super().__init__(message)
        self.message = message
        self.template = template
        self.line = line


_UNDEFINED_NAME = re.compile(r"'[A-Za-z_][A-Za-z0-9_]*' is undefined")


def _where(template: str | None, line: int | None) -> str:
    return f"drafting template {template or '?'}" + (f", line {line}" if line else "")


def _syntax_error(exc: Any, name: str) -> TemplateError:
    """A template (`name`, or one it imports) that does not compile: Jinja2's message quotes the
    template's own source, never a document."""
    template = exc.name or name
    return TemplateError(f"{_where(template, exc.lineno)}: {exc.message or 'syntax error'}", template=template,
                         line=exc.lineno)


def _render_error(exc: BaseException, name: str, macro: str | None = None) -> TemplateError:
    """A template that failed while rendering: the file and line of the innermost template frame,
    and what went wrong in words that cannot quote the values (an exception's own message may:
    `{{ terms[subject] }}` names the claim's subject)."""
    template, line = name, None
    tb = exc.__traceback__
    while tb is not None:
        frame_template = tb.tb_frame.f_globals.get("__jinja_template__")
        if frame_template is not None:
            template = frame_template.name or name
            line = frame_template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    kind = type(exc).__name__
    if kind == "UndefinedError":
        text = str(exc)
        what = text if _UNDEFINED_NAME.fullmatch(text) else "an undefined variable or attribute"
    elif kind == "SecurityError":
        what = "an operation the sandbox does not allow"
    elif kind == "TemplateNotFound":
        what = "imports a template that does not exist"
    elif kind == "TypeError" and line is None and macro:
        what = "the macro's parameters do not match the values the generator passes"
    else:
        what = f"failed to render ({kind})"
    in_macro = f" in macro {macro!r}" if macro else ""
    return TemplateError(f"{_where(template, line)}{in_macro}: {what}", template=template, line=line)


@dataclass(slots=True)
class DraftTemplates:
    """Named Jinja2 sources ("phrases.j2", "boilerplate.j2")."""

    sources: Mapping[str, str]
    _modules: dict[str, Any] = field(default_factory=dict, repr=False)

    def _module(self, name: str) -> Any:
        module = self._modules.get(name)
        if module is None:
            import jinja2
            from jinja2.sandbox import SandboxedEnvironment

            env = SandboxedEnvironment(
                loader=jinja2.DictLoader(dict(self.sources)),
                autoescape=False,
                undefined=jinja2.StrictUndefined,
                keep_trailing_newline=False,
            )
            env.filters["capfirst"] = capitalize
            env.filters["title_case"] = title_case
            env.filters["join_list"] = _join
            try:
                module = env.get_template(name).module
            except jinja2.TemplateSyntaxError as exc:
                raise _syntax_error(exc, name) from None
            except Exception as exc:  # noqa: BLE001  (whatever a firm's template raises at top level)
                raise _render_error(exc, name) from None
            self._modules[name] = module
        return module

    def call(self, name: str, macro: str, **values: Any) -> list[str]:
        """The paragraphs macro `macro` of template `name` renders (blank lines separate them;
        whitespace inside a paragraph is collapsed)."""
        function = getattr(self._module(name), macro, None)
        if function is None:
            raise TemplateError(f"{_where(name, None)} has no macro {macro!r}", template=name)
        try:
            text = str(function(**values))
        except Exception as exc:  # noqa: BLE001  (whatever a firm's template raises while rendering)
            raise _render_error(exc, name, macro) from None
        paragraphs = re.split(r"\n\s*\n", text.strip())
        return [" ".join(p.split()) for p in paragraphs if p.strip()]

    def phrase(self, macro: str, **values: Any) -> str:
        """One generated paragraph."""
        return " ".join(self.call(PHRASES, macro, **values))

    def boilerplate(self, macro: str, **values: Any) -> list[str]:
        return self.call(BOILERPLATE, macro, **values)

    def heading(self, kind: str) -> str:
        return " ".join(self.call(BOILERPLATE, "heading", kind=kind))
