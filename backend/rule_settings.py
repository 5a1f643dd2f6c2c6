"""A tenant's rule settings (which rules run, at what severity, default jurisdiction) and how they
combine with one request's options.

Storage: one `rule_settings` row per selector (code "AB001", prefix "CF00", category or rule name)
with `enabled` True (selected), False (ignored) or None (severity override only); the default
jurisdiction is on the tenant. A request can narrow the firm's selection (its own select/ignore)
but cannot run a rule the firm switched off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.db.models import RuleSetting, Tenant, utcnow
from backend.nlp.config import CheckConfig, ConfigError
from backend.nlp.rules import JURISDICTIONS, Rule, registered_rules


@dataclass(frozen=True, slots=True)
class TenantRuleSettings:
    jurisdiction: str = "us"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)

    def config(self, *, jurisdiction: str | None = None) -> CheckConfig:
        return CheckConfig.build(
            jurisdiction=jurisdiction or self.jurisdiction,
            select=self.select,
            ignore=self.ignore,
            severity=self.severity,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "jurisdiction": self.jurisdiction,
            "select": list(self.select),
            "ignore": list(self.ignore),
            "severity": dict(self.severity),
        }


def load_rule_settings(session: Session, *, tenant_id: str) -> TenantRuleSettings:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(f"no tenant {tenant_id}")
    rows = session.scalars(
        select(RuleSetting).where(RuleSetting.tenant_id == tenant_id).order_by(RuleSetting.selector)
    ).all()
    return TenantRuleSettings(
        jurisdiction=tenant.default_jurisdiction,
        select=tuple(r.selector for r in rows if r.enabled is True),
        ignore=tuple(r.selector for r in rows if r.enabled is False),
        severity={r.selector: r.severity for r in rows if r.severity is not None},
    )


def save_rule_settings(
    session: Session,
    *,
    tenant_id: str,
    user_id: str | None,
    jurisdiction: str,
    select_: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
) -> TenantRuleSettings:
    """Replace the tenant's settings. Raises `ConfigError` (unknown rule, jurisdiction or
    severity; a selector both selected and ignored) before writing anything. Commits."""
    config = CheckConfig.build(jurisdiction=jurisdiction, select=select_, ignore=ignore, severity=severity)
    config.validate(registered_rules())
    both = sorted(set(config.select) & set(config.ignore))
    if both:
        raise ConfigError("conflicting_selectors", f"selected and ignored at once: {', '.join(both)}")
    rows: dict[str, RuleSetting] = {}
    now = utcnow()
    for selector in (*config.select, *config.ignore, *config.severity):
        rows.setdefault(
            selector, RuleSetting(tenant_id=tenant_id, selector=selector, updated_at=now, updated_by=user_id)
        )
    for selector in config.select:
        rows[selector].enabled = True
    for selector in config.ignore:
        rows[selector].enabled = False
    for selector, level in config.severity.items():
        rows[selector].severity = str(level)
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(f"no tenant {tenant_id}")
    tenant.default_jurisdiction = config.jurisdiction
    session.execute(delete(RuleSetting).where(RuleSetting.tenant_id == tenant_id))
    session.add_all(rows.values())
    session.commit()
    return load_rule_settings(session, tenant_id=tenant_id)


def request_config(
    tenant: TenantRuleSettings,
    *,
    jurisdiction: str | None = None,
    select_: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> CheckConfig:
    """The configuration one check runs with: the tenant's settings narrowed by the request's
    select/ignore. Raises `ConfigError` for an unknown rule or jurisdiction in the request."""
    base = tenant.config(jurisdiction=jurisdiction)
    asked = CheckConfig.build(jurisdiction=base.jurisdiction, select=select_, ignore=ignore)
    if not asked.select and not asked.ignore:
        return base
    rules = registered_rules()
    allowed = {r.code for r in base.enabled(rules)} & {r.code for r in asked.enabled(rules)}
    codes = tuple(code for code in rules if code in allowed)
    # an empty `select` means every rule: nothing left to run is said with ignore=ALL
    return CheckConfig(
        jurisdiction=base.jurisdiction,
        select=codes,
        ignore=() if codes else ("ALL",),
        severity=base.severity,
    )


def tenant_rule_states(tenant: TenantRuleSettings) -> dict[str, tuple[bool, str]]:
    """code -> (enabled, severity) under the tenant's settings: enabled when the tenant's selection
    runs the rule in at least one jurisdiction's profile; severity after the tenant's overrides."""
    rules = registered_rules()
    enabled = {r.code for j in JURISDICTIONS for r in tenant.config(jurisdiction=j).enabled(rules)}
    config = tenant.config()
    return {code: (code in enabled, str(config.severity_of(r))) for code, r in rules.items()}


def rule_json(rule: Rule, *, state: tuple[bool, str], with_doc: bool = False) -> dict[str, object]:
    """One catalogue entry; `state` is the rule's entry of `tenant_rule_states`."""
    enabled, severity = state
    out: dict[str, object] = {
        "code": rule.code,
        "name": rule.name,
        "category": rule.category,
        "severity": str(rule.severity),
        "jurisdictions": sorted(rule.jurisdictions),
        "summary": rule.summary,
        "authority": {"citation": rule.authority.citation, "url": rule.authority.url},
        "fix_title": rule.fix_title,
        "tenant": {"enabled": enabled, "severity": severity},
    }
    if with_doc:
        out["doc"] = rule.doc
    return out
