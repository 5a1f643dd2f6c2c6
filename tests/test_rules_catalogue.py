"""Every rule is documented, coded and registered the way `patentpane rules` promises."""

import re

import pytest

from backend.nlp.config import CheckConfig, ConfigError
from backend.nlp.rules import CATEGORIES, JURISDICTIONS, Severity, registered_rules

RULES = registered_rules()


def test_every_category_has_rules():
    assert {r.category for r in RULES.values()} == set(CATEGORIES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_metadata(code):
    r = RULES[code]
    assert re.fullmatch(r"[A-Z]{2}\d{3}", r.code)
    assert re.fullmatch(r"[a-z][a-z0-9-]+", r.name)
    assert isinstance(r.severity, Severity)
    assert r.summary.strip() and len(r.summary) < 120
    assert r.authority.citation and r.authority.url.startswith("https://")
    assert set(r.jurisdictions) <= set(JURISDICTIONS) and r.jurisdictions
    for heading in ("What it does", "Why it matters", "Example"):
        assert heading in r.doc, f"{code} docstring lacks '{heading}'"


def test_one_prefix_per_category():
    prefixes: dict[str, set[str]] = {}
    for r in RULES.values():
        prefixes.setdefault(r.code[:2], set()).add(r.category)
    assert all(len(cats) == 1 for cats in prefixes.values()), prefixes


def test_names_unique():
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))


def test_select_and_ignore_by_code_prefix_category():
    all_rules = CheckConfig().enabled(RULES)
    ab = CheckConfig.build(select=["AB"]).enabled(RULES)
    assert ab and all(r.code.startswith("AB") for r in ab)
    by_category = CheckConfig.build(select=["antecedent_basis"]).enabled(RULES)
    assert [r.code for r in by_category] == [r.code for r in ab]
    without = CheckConfig.build(ignore=["AB001,terminology"]).enabled(RULES)
    assert "AB001" not in {r.code for r in without}
    assert not any(r.category == "terminology" for r in without)
    assert len(without) < len(all_rules)


def test_jurisdiction_profiles_differ():
    us = {r.code for r in CheckConfig.build(jurisdiction="us").enabled(RULES)}
    ep = {r.code for r in CheckConfig.build(jurisdiction="ep").enabled(RULES)}
    assert us - ep and ep - us  # each profile has rules of its own


def test_severity_override_longest_selector_wins():
    config = CheckConfig.build(severity={"AB": "info", "AB001": "warning"})
    assert config.severity_of(RULES["AB001"]) == Severity.WARNING
    other = next(r for r in RULES.values() if r.code.startswith("AB") and r.code != "AB001")
    assert config.severity_of(other) == Severity.INFO


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"jurisdiction": "jp"}, "unknown_jurisdiction"),
        ({"severity": {"AB001": "fatal"}}, "unknown_severity"),
    ],
)
def test_bad_config(kwargs, code):
    with pytest.raises(ConfigError) as exc:
        CheckConfig.build(**kwargs)
    assert exc.value.code == code


def test_unknown_selector_is_an_error():
    with pytest.raises(ConfigError) as exc:
        CheckConfig.build(select=["ZZ9"]).enabled(RULES)
    assert exc.value.code == "unknown_rule"
