"""The campaigns app's models: the organisation (authorities, ports, units, people) and the
campaign's day-to-day work, one module per subject."""

from campaigns.models.accounts import *  # noqa: F403
from campaigns.models.filings import *  # noqa: F403
from campaigns.models.groups import *  # noqa: F403
from campaigns.models.notices import *  # noqa: F403
from campaigns.models.organisation import (
    MONTHS_ALL,
    PATH_SEPARATOR,
    Agency,
    Authority,
    AuthorityGroupObjectPermission,
    AuthorityUserObjectPermission,
    ConstructionArea,
    LeadingGroup,
    LeadingGroupMember,
    Membership,
    Person,
    Port,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
    code_validator,
)
from campaigns.models.public import *  # noqa: F403
from campaigns.models.work import *  # noqa: F403

__all__ = [
    "MONTHS_ALL",
    "PATH_SEPARATOR",
    "Agency",
    "Authority",
    "AuthorityGroupObjectPermission",
    "AuthorityUserObjectPermission",
    "ConstructionArea",
    "LeadingGroup",
    "LeadingGroupMember",
    "Membership",
    "Person",
    "Port",
    "Unit",
    "UnitGroupObjectPermission",
    "UnitUserObjectPermission",
    "code_validator",
]
