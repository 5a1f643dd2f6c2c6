"""Which rules run, and at what severity: jurisdiction profile, select/ignore, overrides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from backend.nlp.rules.base import CATEGORIES, JURISDICTIONS, Rule, Severity


class ConfigError(ValueError):
    """Bad user configuration (unknown code, prefix, jurisdiction or severity)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _matches(rule: Rule, selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    if selector.lower() in CATEGORIES:
        return rule.category == selector.lower()
    if selector.lower() == rule.name:
        return True
    return rule.code.startswith(selector.upper())


@dataclass(frozen=True, slots=True)
class CheckConfig:
    jurisdiction: str = "us"
    select: tuple[str, ...] = ()
    """Codes, code prefixes ("AB", "CF00"), category names or rule names; empty means all."""
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    """Severity overrides by selector (code, prefix, category or name); the longest selector wins."""

    @classmethod
    def build(
        cls,
        *,
        jurisdiction: str = "us",
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        severity: Mapping[str, str] | None = None,
    ) -> CheckConfig:
        def split(values: Iterable[str]) -> tuple[str, ...]:
            return tuple(v.strip() for value in values for v in value.split(",") if v.strip())

        jurisdiction = jurisdiction.lower()
        if jurisdiction not in JURISDICTIONS:
            raise ConfigError(
                "unknown_jurisdiction",
                f"unknown jurisdiction {jurisdiction!r} (expected one of: {', '.join(JURISDICTIONS)})",
            )
        try:
            overrides = {k: Severity(v.lower()) for k, v in (severity or {}).items()}
        except ValueError as exc:
            raise ConfigError("unknown_severity", f"{exc} (expected error, warning or info)") from None
        return cls(jurisdiction, split(select), split(ignore), overrides)

    def validate(self, rules: Mapping[str, Rule]) -> None:
        for selector in (*self.select, *self.ignore, *self.severity):
            if not any(_matches(r, selector) for r in rules.values()):
                raise ConfigError("unknown_rule", f"no rule matches {selector!r}")

    def enabled(self, rules: Mapping[str, Rule]) -> list[Rule]:
        self.validate(rules)
        chosen = []
        for r in rules.values():
            if self.jurisdiction not in r.jurisdictions:
                continue
            if self.select and not any(_matches(r, s) for s in self.select):
                continue
            if any(_matches(r, s) for s in self.ignore):
                continue
            chosen.append(r)
        return chosen

    def severity_of(self, r: Rule) -> Severity:
        matching = [s for s in self.severity if _matches(r, s)]
        if not matching:
            return r.severity
        return self.severity[max(matching, key=len)]
