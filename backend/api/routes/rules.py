"""The rule catalogue with the tenant's effective settings, and the tenant's rule settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from backend.api.deps import AdminUser, CurrentUser, DbSession
from backend.api.errors import ApiError, error_responses
from backend.api.schemas import Rule, RuleDetail, RuleSettings
from backend.nlp.rules import registered_rules
from backend.rule_settings import load_rule_settings, rule_json, save_rule_settings, tenant_rule_states

router = APIRouter(prefix="/rules", tags=["rules"])


# declared before /rules/{code} so that "settings" is not taken for a rule code
@router.get("/settings", response_model=RuleSettings, responses=error_responses(401))
def get_rule_settings(principal: CurrentUser, session: DbSession) -> Any:
    """The caller's tenant's rule settings."""
    return load_rule_settings(session, tenant_id=principal.tenant_id).to_json()


@router.put("/settings", response_model=RuleSettings, responses=error_responses(401, 403, 422))
def put_rule_settings(body: RuleSettings, principal: AdminUser, session: DbSession) -> Any:
    """Replace the tenant's rule settings (admin role). Every selector must match a rule
    (422 `unknown_rule`); a selector may not be both selected and ignored (422
    `conflicting_selectors`)."""
    saved = save_rule_settings(
        session,
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        jurisdiction=body.jurisdiction,
        select_=body.select,
        ignore=body.ignore,
        severity=body.severity,
    )
    return saved.to_json()


@router.get("", response_model=list[Rule], responses=error_responses(401))
def list_rules(principal: CurrentUser, session: DbSession) -> Any:
    """Every rule, with the tenant's effective setting."""
    states = tenant_rule_states(load_rule_settings(session, tenant_id=principal.tenant_id))
    return [rule_json(r, state=states[code]) for code, r in registered_rules().items()]


@router.get("/{code}", response_model=RuleDetail, responses=error_responses(401, 404))
def get_rule(code: str, principal: CurrentUser, session: DbSession) -> Any:
    """One rule with its documentation (What it does / Why it matters / Example / Fix)."""
    rule = registered_rules().get(code.upper())
    if rule is None:
        raise ApiError(404, "unknown_rule", f"unknown rule code {code!r}")
    states = tenant_rule_states(load_rule_settings(session, tenant_id=principal.tenant_id))
    return rule_json(rule, state=states[rule.code], with_doc=True)
