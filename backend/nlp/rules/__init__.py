"""The rule registry: importing this package registers every rule.

All registrations happen here, in one place: each module below defines its rules with `@rule`.
"""

from backend.nlp.rules import (  # noqa: F401  (imported for registration)
    antecedent,
    claim_checks,
    description_checks,
    document_checks,
    terminology,
)
from backend.nlp.rules.base import (
    CATEGORIES,
    JURISDICTIONS,
    Authority,
    CheckContext,
    Finding,
    Hit,
    Rule,
    Severity,
    WordLists,
    registered_rules,
    rule,
)

__all__ = [
    "CATEGORIES",
    "JURISDICTIONS",
    "Authority",
    "CheckContext",
    "Finding",
    "Hit",
    "Rule",
    "Severity",
    "WordLists",
    "registered_rules",
    "rule",
]
