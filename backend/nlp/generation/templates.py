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
    """A template that does not compile or lacks a macro the generator calls."""


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
            except jinja2.TemplateError as exc:
                raise TemplateError(f"{name}: {exc}") from exc
            self._modules[name] = module
        return module

    def call(self, name: str, macro: str, **values: Any) -> list[str]:
        """The paragraphs macro `macro` of template `name` renders (blank lines separate them;
        whitespace inside a paragraph is collapsed)."""
        function = getattr(self._module(name), macro, None)
        if function is None:
            raise TemplateError(f"{name} has no macro {macro!r}")
        text = str(function(**values))
        paragraphs = re.split(r"\n\s*\n", text.strip())
        return [" ".join(p.split()) for p in paragraphs if p.strip()]

    def phrase(self, macro: str, **values: Any) -> str:
        """One generated paragraph."""
        return " ".join(self.call(PHRASES, macro, **values))

    def boilerplate(self, macro: str, **values: Any) -> list[str]:
        return self.call(BOILERPLATE, macro, **values)

    def heading(self, kind: str) -> str:
        return " ".join(self.call(BOILERPLATE, "heading", kind=kind))
