"""Access helpers: fetch one sensitive object for a user (DESIGN §6), and the predicates that say
what a user may do with it. One module per subject, every name importable from here.

"Does not exist" and "not yours" give the same 404, so nothing about other provinces leaks. An
object the user may see but not change gives 403 when asked for with `edit=True`.
"""

from campaigns.access.accounts import (
    access_account,
    access_account_membership,
    can_grant_role,
    can_manage_membership,
    can_set_duty,
    grantable_roles,
    require_account_manager,
)
from campaigns.access.filings import (
    access_consultation,
    access_filing,
    access_filing_attachment,
    can_answer_consultation,
    can_ask_for,
    can_file,
    is_national_office,
)
from campaigns.access.groups import (
    access_group_authority,
    access_meeting,
    access_resolution,
    access_resolution_attachment,
)
from campaigns.access.hierarchy import (
    access_authority,
    access_person,
    access_port,
    access_unit,
)
from campaigns.access.notices import (
    access_notice,
    access_notice_attachment,
    access_notice_receipt,
    can_send_from,
)
from campaigns.access.public import (
    access_feedback,
    access_survey,
    can_handle_any,
    handles_path,
)
from campaigns.access.work import (
    access_activity,
    access_activity_evidence,
    access_agreement,
    access_commitment,
    access_inspection,
    access_plan,
    access_rectification,
    access_rectification_evidence,
    access_special_campaign,
    activity_can_edit,
    activity_can_review,
    plan_can_edit,
    rectification_can_answer,
    rectification_can_review,
)

__all__ = [
    "access_account",
    "access_account_membership",
    "access_activity",
    "access_activity_evidence",
    "access_agreement",
    "access_authority",
    "access_commitment",
    "access_consultation",
    "access_feedback",
    "access_filing",
    "access_filing_attachment",
    "access_group_authority",
    "access_inspection",
    "access_meeting",
    "access_notice",
    "access_notice_attachment",
    "access_notice_receipt",
    "access_person",
    "access_plan",
    "access_port",
    "access_rectification",
    "access_rectification_evidence",
    "access_resolution",
    "access_resolution_attachment",
    "access_special_campaign",
    "access_survey",
    "access_unit",
    "activity_can_edit",
    "activity_can_review",
    "can_answer_consultation",
    "can_ask_for",
    "can_file",
    "can_grant_role",
    "can_handle_any",
    "can_manage_membership",
    "can_send_from",
    "can_set_duty",
    "grantable_roles",
    "handles_path",
    "is_national_office",
    "plan_can_edit",
    "rectification_can_answer",
    "rectification_can_review",
    "require_account_manager",
]
