"""The access matrix as data: for every access helper, the answer each persona gets for each
object, by column.

Columns:
- read: the `access_*` fetch without its flag, or a predicate about seeing;
- edit: the fetch with its edit/manage/answer/acknowledge flag (the flag is named in brackets
  when a helper has two), or a predicate about changing;
- administer: the account helpers (分级管理): whose account and role a manager touches, and
  which role they may grant where.

Every public function of an access module has rows: the fetches, the predicates, and the
readers of a scope that take no object (their object is "none"; "+" when they give the persona
something, "-" when they give nothing).

Answers, one per persona in the order of PERSONAS:
  +  returned (a fetch) or True (a predicate)
  -  False (a predicate)
  3  PermissionDenied: seen but not the persona's to change
  4  Http404: not seen (missing and not-yours are the same answer)

The objects are built in tests/access/world.py: "-SZ"/"-GD" inside Guangdong (Shenzhen's
port authority, its first unit, whose contact is the unit_contact persona), "-NB"/"-ZJ" in
Zhejiang. Every officer persona holds the account-manager duty of their authority; the reviewer
sits on Guangdong's review panel and is assigned its subject (Shenzhen's second unit); the
disabled persona is a Guangdong officer whose account was disabled.
"""

PERSONAS = (
    "anonymous",
    "national",
    "gd_officer",
    "zj_officer",
    "sz_officer",
    "unit_contact",
    "reviewer",
    "superuser",
    "disabled",
)

# fmt: off
ROWS = [
    # helper                                    object                      column        an na gd zj sz uc rv su di
    # --- the hierarchy -------------------------------------------------------------------------
    ("campaigns.access_authority",              "authority-GD",             "read",       "4 + + 4 4 4 4 + 4"),
    ("campaigns.access_authority",              "authority-GD",             "edit",       "4 + 3 4 4 4 4 + 4"),
    ("campaigns.access_authority",              "authority-SZ",             "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_authority",              "authority-SZ",             "edit",       "4 + + 4 3 4 4 + 4"),
    ("campaigns.access_authority",              "authority-NB",             "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_authority",              "authority-NB",             "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_port",                   "port-SZ",                  "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_port",                   "port-SZ",                  "edit",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_port",                   "port-NB",                  "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_port",                   "port-NB",                  "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_unit",                   "unit-SZ",                  "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_unit",                   "unit-SZ",                  "edit",       "4 + + 4 + 3 4 + 4"),
    ("campaigns.access_unit",                   "unit-NB",                  "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_unit",                   "unit-NB",                  "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_person",                 "person-SZ",                "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_person",                 "person-SZ",                "edit",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_person",                 "person-NB",                "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_person",                 "person-NB",                "edit",       "4 + 4 + 4 4 4 + 4"),
    # --- the contact directory: an office's details are changed by its own officers and above -
    ("campaigns.access_authority_contact",      "authority-GD",             "edit",       "4 + + 4 4 4 4 + 4"),
    ("campaigns.access_authority_contact",      "authority-SZ",             "edit",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_authority_contact",      "authority-NB",             "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_unit_contact",           "unit-SZ",                  "edit",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_unit_contact",           "unit-NB",                  "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.can_edit_authority_contact",    "authority-GD",             "edit",       "- + + - - - - + -"),
    ("campaigns.can_edit_authority_contact",    "authority-SZ",             "edit",       "- + + - + - - + -"),
    ("campaigns.can_edit_authority_contact",    "authority-NB",             "edit",       "- + - + - - - + -"),
    ("campaigns.can_edit_unit_contact",         "unit-SZ",                  "edit",       "- + + - + + - + -"),
    ("campaigns.can_edit_unit_contact",         "unit-NB",                  "edit",       "- + - + - - - + -"),
    # --- accounts and roles (分级管理): each level administers the one directly below --------
    ("campaigns.require_account_manager",       "none",                     "administer", "4 + + + + 4 4 + 4"),
    ("campaigns.grantable_roles",               "role-national_office",     "administer", "- - - - - - - + -"),
    ("campaigns.grantable_roles",               "role-provincial_officer",  "administer", "- + - - - - - + -"),
    ("campaigns.grantable_roles",               "role-port_officer",        "administer", "- - + + - - - + -"),
    ("campaigns.grantable_roles",               "role-unit_contact",        "administer", "- - + + + - - + -"),
    ("campaigns.grantable_roles",               "role-reviewer",            "administer", "- - + + - - - + -"),
    ("campaigns.can_grant_role",                "grant-national_office-CN", "administer", "- - - - - - - + -"),
    ("campaigns.can_grant_role",                "grant-provincial_officer-GD", "administer", "- + - - - - - + -"),
    ("campaigns.can_grant_role",                "grant-provincial_officer-ZJ", "administer", "- + - - - - - + -"),
    ("campaigns.can_grant_role",                "grant-port_officer-SZ",    "administer", "- - + - - - - + -"),
    ("campaigns.can_grant_role",                "grant-port_officer-NB",    "administer", "- - - + - - - + -"),
    ("campaigns.can_grant_role",                "grant-port_officer-GD",    "administer", "- - - - - - - - -"),
    ("campaigns.can_grant_role",                "grant-unit_contact-SZ",    "administer", "- - + - + - - + -"),
    ("campaigns.can_grant_role",                "grant-unit_contact-NB",    "administer", "- - - + - - - + -"),
    ("campaigns.can_grant_role",                "grant-reviewer-GD",        "administer", "- - + - - - - + -"),
    ("campaigns.can_grant_role",                "grant-reviewer-ZJ",        "administer", "- - - + - - - + -"),
    ("campaigns.can_grant_role",                "grant-reviewer-SZ",        "administer", "- - - - - - - - -"),
    ("campaigns.can_manage_membership",         "membership-national",      "administer", "- - - - - - - + -"),
    ("campaigns.can_manage_membership",         "membership-GD-officer",    "administer", "- + - - - - - + -"),
    ("campaigns.can_manage_membership",         "membership-ZJ-officer",    "administer", "- + - - - - - + -"),
    ("campaigns.can_manage_membership",         "membership-SZ-officer",    "administer", "- - + - - - - + -"),
    ("campaigns.can_manage_membership",         "membership-SZ-contact",    "administer", "- - + - + - - + -"),
    ("campaigns.can_manage_membership",         "membership-GD-reviewer",   "administer", "- - + - - - - + -"),
    ("campaigns.can_set_duty",                  "membership-national",      "administer", "- - - - - - - + -"),
    ("campaigns.can_set_duty",                  "membership-GD-officer",    "administer", "- + - - - - - + -"),
    ("campaigns.can_set_duty",                  "membership-SZ-officer",    "administer", "- - + - - - - + -"),
    ("campaigns.can_set_duty",                  "membership-SZ-contact",    "administer", "- - - - - - - - -"),
    ("campaigns.can_set_duty",                  "membership-GD-reviewer",   "administer", "- - - - - - - - -"),
    # A superuser administers every account but a superuser's (their own included).
    ("campaigns.access_account",                "account-national",         "administer", "4 4 4 4 4 4 4 + 4"),
    ("campaigns.access_account",                "account-gd_officer",       "administer", "4 + 4 4 4 4 4 + 4"),
    ("campaigns.access_account",                "account-zj_officer",       "administer", "4 + 4 4 4 4 4 + 4"),
    ("campaigns.access_account",                "account-sz_officer",       "administer", "4 4 + 4 4 4 4 + 4"),
    ("campaigns.access_account",                "account-unit_contact",     "administer", "4 4 + 4 + 4 4 + 4"),
    ("campaigns.access_account",                "account-reviewer",         "administer", "4 4 + 4 4 4 4 + 4"),
    ("campaigns.access_account",                "account-disabled",         "administer", "4 + 4 4 4 4 4 + 4"),
    ("campaigns.access_account",                "account-superuser",        "administer", "4 4 4 4 4 4 4 4 4"),
    ("campaigns.access_account_membership",     "membership-national",      "administer", "4 4 4 4 4 4 4 + 4"),
    ("campaigns.access_account_membership",     "membership-GD-officer",    "administer", "4 + 4 4 4 4 4 + 4"),
    ("campaigns.access_account_membership",     "membership-ZJ-officer",    "administer", "4 + 4 4 4 4 4 + 4"),
    ("campaigns.access_account_membership",     "membership-SZ-officer",    "administer", "4 4 + 4 4 4 4 + 4"),
    ("campaigns.access_account_membership",     "membership-SZ-contact",    "administer", "4 4 + 4 + 4 4 + 4"),
    ("campaigns.access_account_membership",     "membership-GD-reviewer",   "administer", "4 4 + 4 4 4 4 + 4"),
    # --- filings (a province files; the national office answers) and consultations ---------
    ("campaigns.access_filing",                 "filing-GD",                "read",       "4 + + 4 4 4 4 + 4"),
    ("campaigns.access_filing",                 "filing-GD",                "edit",       "4 3 + 4 4 4 4 3 4"),
    ("campaigns.access_filing[answer]",         "filing-GD",                "edit",       "4 + 3 4 4 4 4 + 4"),
    ("campaigns.access_filing",                 "filing-ZJ",                "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_filing",                 "filing-ZJ",                "edit",       "4 3 4 + 4 4 4 3 4"),
    ("campaigns.access_filing_attachment",      "filing_file-GD",           "read",       "4 4 + 4 4 4 4 4 4"),
    ("campaigns.access_filing_attachment",      "filing_file-ZJ",           "read",       "4 4 4 + 4 4 4 4 4"),
    ("campaigns.can_file",                      "path-GD",                  "edit",       "- - + - - - - - -"),
    ("campaigns.can_file",                      "path-ZJ",                  "edit",       "- - - + - - - - -"),
    ("campaigns.access_consultation",           "consultation-SZ",          "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_consultation",           "consultation-SZ",          "edit",       "4 + + 4 + 3 4 + 4"),
    ("campaigns.access_consultation",           "consultation-NB",          "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_consultation",           "consultation-NB",          "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.can_answer_consultation",       "consultation-SZ",          "edit",       "- + + - + - - + -"),
    ("campaigns.can_answer_consultation",       "consultation-NB",          "edit",       "- + - + - - - + -"),
    ("campaigns.can_ask_for",                   "unit-SZ",                  "edit",       "- + + - + + - + -"),
    ("campaigns.can_ask_for",                   "unit-NB",                  "edit",       "- + - + - - - + -"),
    # --- notices: a notice speaks for its sender; receipts are acknowledged by the recipient -
    ("campaigns.access_notice",                 "notice-GD",                "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_notice",                 "notice-GD",                "edit",       "4 3 + 4 3 4 4 + 4"),
    ("campaigns.access_notice",                 "notice-ZJ",                "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_notice",                 "notice-ZJ",                "edit",       "4 3 4 + 4 4 4 + 4"),
    ("campaigns.access_notice_attachment",      "notice_file-GD",           "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_notice_attachment",      "notice_file-ZJ",           "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_notice_receipt",         "receipt-GD",               "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_notice_receipt",         "receipt-GD",               "edit",       "4 3 3 4 + 4 4 3 4"),
    ("campaigns.access_notice_receipt",         "receipt-ZJ",               "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.can_send_from",                 "authority-GD",             "edit",       "- - + - - - - + -"),
    ("campaigns.can_send_from",                 "authority-SZ",             "edit",       "- - - - + - - + -"),
    # --- leading groups: the levels above read them, the authority itself keeps them ---------
    ("campaigns.access_group_authority",        "group-GD",                 "read",       "4 + + 4 4 4 4 + 4"),
    ("campaigns.access_group_authority",        "group-GD",                 "edit",       "4 3 + 4 4 4 4 + 4"),
    ("campaigns.access_group_authority",        "group-SZ",                 "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_group_authority",        "group-SZ",                 "edit",       "4 3 3 4 + 4 4 + 4"),
    ("campaigns.access_group_authority",        "group-ZJ",                 "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_meeting",                "meeting-GD",               "read",       "4 + + 4 4 4 4 + 4"),
    ("campaigns.access_meeting",                "meeting-GD",               "edit",       "4 3 + 4 4 4 4 + 4"),
    ("campaigns.access_meeting",                "meeting-SZ",               "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_meeting",                "meeting-SZ",               "edit",       "4 3 3 4 + 4 4 + 4"),
    ("campaigns.access_meeting",                "meeting-ZJ",               "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_resolution",             "resolution-GD",            "read",       "4 + + 4 4 4 4 + 4"),
    ("campaigns.access_resolution",             "resolution-GD",            "edit",       "4 3 + 4 4 4 4 + 4"),
    ("campaigns.access_resolution",             "resolution-ZJ",            "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_resolution_attachment",  "resolution_file-GD",       "read",       "4 + + 4 4 4 4 + 4"),
    ("campaigns.access_resolution_attachment",  "resolution_file-ZJ",       "read",       "4 + 4 + 4 4 4 + 4"),
    # --- the public's feedback and surveys: handled by the officers of the port's authority
    # (or of the port levels above it) alone; the levels above and a superuser read them.
    ("campaigns.access_feedback",               "feedback-SZ",              "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_feedback",               "feedback-SZ",              "edit",       "4 3 3 4 + 4 4 3 4"),
    ("campaigns.access_feedback",               "feedback-NB",              "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_feedback",               "feedback-NB",              "edit",       "4 3 4 3 4 4 4 3 4"),
    ("campaigns.access_survey",                 "survey-SZ",                "read",       "4 + + 4 + 4 4 + 4"),
    ("campaigns.access_survey",                 "survey-SZ",                "edit",       "4 3 3 4 + 4 4 3 4"),
    ("campaigns.access_survey",                 "survey-NB",                "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.can_handle_any",                "none",                     "edit",       "- - - - + - - - -"),
    # --- work: plans, commitments, activities, agreements, campaigns, inspections -----------
    ("campaigns.access_plan",                   "plan-SZ",                  "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_plan",                   "plan-SZ",                  "edit",       "4 + + 4 + 3 4 + 4"),
    ("campaigns.access_plan",                   "plan-NB",                  "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_plan",                   "plan-NB",                  "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_commitment",             "commitment-SZ",            "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_commitment",             "commitment-SZ",            "edit",       "4 + + 4 + 3 4 + 4"),
    ("campaigns.access_commitment",             "commitment-NB",            "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_activity",               "activity-SZ",              "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_activity",               "activity-SZ",              "edit",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_activity",               "activity-NB",              "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_activity",               "activity-NB",              "edit",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_activity_evidence",      "activity_file-SZ",         "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_activity_evidence",      "activity_file-SZ",         "edit",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_activity_evidence",      "activity_file-NB",         "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_agreement",              "agreement-SZ",             "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_agreement",              "agreement-SZ",             "edit",       "4 + + 4 + 3 4 + 4"),
    ("campaigns.access_agreement",              "agreement-NB",             "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_special_campaign",       "campaign-SZ",              "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_special_campaign",       "campaign-SZ",              "edit",       "4 + + 4 + 3 4 + 4"),
    ("campaigns.access_special_campaign",       "campaign-NB",              "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_inspection",             "inspection-SZ",            "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_inspection",             "inspection-SZ",            "edit",       "4 + + 4 + 3 4 + 4"),
    ("campaigns.access_inspection",             "inspection-NB",            "read",       "4 + 4 + 4 4 4 + 4"),
    # An open item: its owner unit's contact answers it; nobody reviews before the answer.
    ("campaigns.access_rectification",          "rectification-SZ",         "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_rectification",          "rectification-SZ",         "edit",       "4 3 3 4 3 + 4 3 4"),
    ("campaigns.access_rectification",          "rectification-NB",         "read",       "4 + 4 + 4 4 4 + 4"),
    ("campaigns.access_rectification_evidence", "rectification_file-SZ",    "read",       "4 + + 4 + + 4 + 4"),
    ("campaigns.access_rectification_evidence", "rectification_file-NB",    "read",       "4 + 4 + 4 4 4 + 4"),
    # --- assessments ---------------------------------------------------------------------------
    ("assessments.access_scheme",               "scheme-CN",                "read",       "4 + + + + + 4 + 4"),
    ("assessments.access_scheme",               "scheme-CN",                "edit",       "4 + 3 3 3 3 4 + 4"),
    ("assessments.access_scheme_to_change",     "scheme-CN",                "edit",       "4 + 3 3 3 3 4 + 4"),
    ("assessments.access_review",               "review-GD",                "read",       "4 + + 4 4 4 4 + 4"),
    ("assessments.access_review",               "review-GD",                "edit",       "4 + + 4 4 4 4 + 4"),
    ("assessments.access_panel_member",         "seat-GD",                  "edit",       "4 + + 4 4 4 4 + 4"),
    ("assessments.access_subject_to_score",     "subject-GD",               "edit",       "4 4 4 4 4 4 + 4 4"),
    ("assessments.access_subject_for_office",   "subject-GD",               "read",       "4 + + 4 4 4 4 + 4"),
    ("assessments.access_subject_for_office",   "subject-GD",               "edit",       "4 + + 4 4 4 4 + 4"),
    ("assessments.access_sheet_for_office",     "sheet-GD",                 "edit",       "4 + + 4 4 4 4 + 4"),
    ("assessments.access_cycle",                "cycle-GD",                 "read",       "4 + + 4 + + 4 + 4"),
    ("assessments.access_cycle",                "cycle-GD",                 "edit",       "4 + + 4 3 3 4 + 4"),
    ("assessments.access_cycle_subject",        "cycle_subject-GD",         "read",       "4 + + 4 + + 4 + 4"),
    ("assessments.access_subject_result",       "cycle_subject-GD",         "read",       "4 4 4 4 4 4 4 4 4"),
    ("assessments.access_evidence",             "evidence-GD",              "read",       "4 + + 4 + + 4 + 4"),
    ("assessments.access_evidence",             "evidence-GD",              "edit",       "4 3 3 4 + + 4 3 4"),
    ("assessments.may_self_assess",             "cycle_subject-GD",         "edit",       "- - - - + + - - -"),
    ("assessments.may_run",                     "cycle-GD",                 "edit",       "- + + - - - - + -"),
    # --- awards --------------------------------------------------------------------------------
    ("awards.access_nomination",                "nomination-SZ",            "read",       "4 + + 4 + + 4 + 4"),
    ("awards.access_nomination",                "nomination-SZ",            "edit",       "4 + + 4 + + 4 + 4"),
    ("awards.access_nomination",                "nomination-NB",            "read",       "4 + 4 + 4 4 4 + 4"),
    ("awards.access_nomination",                "nomination-NB",            "edit",       "4 + 4 + 4 4 4 + 4"),
    ("awards.access_evidence",                  "nomination_file-SZ",       "read",       "4 + + 4 + + 4 + 4"),
    ("awards.access_evidence",                  "nomination_file-SZ",       "edit",       "4 + + 4 + + 4 + 4"),
    ("awards.access_evidence",                  "nomination_file-NB",       "read",       "4 + 4 + 4 4 4 + 4"),
    ("awards.may_edit_nomination",              "nomination-SZ",            "edit",       "- + + - + + - + -"),
    ("awards.may_submit_nomination",            "nomination-SZ",            "edit",       "- - - - + - - + -"),
    ("awards.may_nominate",                     "nominate-unit-SZ",         "edit",       "- - - - + - - + -"),
    ("awards.may_nominate",                     "nominate-unit-NB",         "edit",       "- - - - - - - + -"),
    ("awards.may_nominate",                     "nominate-organizer-GD",    "edit",       "- + + - - - - + -"),
    # A province's recommendation list: its officers work on it, the national office reads it.
    ("awards.access_recommendation",            "list-GD",                  "read",       "4 + + 4 4 4 4 + 4"),
    ("awards.access_recommendation",            "list-GD",                  "edit",       "4 3 + 4 4 4 4 3 4"),
    ("awards.access_recommendation",            "list-ZJ",                  "read",       "4 + 4 + 4 4 4 + 4"),
    # A province's own round: seen by the province's authorities and the national office, run
    # (edit: the `run` flag) by the province's officers alone; not running it is a 404.
    ("awards.access_province_round",            "province_round-GD",        "read",       "4 + + 4 + 4 4 + 4"),
    ("awards.access_province_round",            "province_round-GD",        "edit",       "4 4 + 4 4 4 4 4 4"),
    ("awards.access_province_round",            "province_round-ZJ",        "read",       "4 + 4 + 4 4 4 + 4"),
    ("awards.access_province_round",            "province_round-ZJ",        "edit",       "4 4 4 + 4 4 4 4 4"),
    # --- predicates and scope readers: what the pages ask once they hold the object ------------
    # The directory: a person's own telephone and e-mail, whole for themself, their unit and
    # their authority's officers.
    ("campaigns.sees_personal_contact",         "account-gd_officer",       "read",       "- - + - - - - - -"),
    ("campaigns.sees_personal_contact",         "account-unit_contact",     "read",       "- - - - + + - - -"),
    ("campaigns.sees_personal_contact",         "account-zj_officer",       "read",       "- - - + - - - - -"),
    # The national office, by its grant.
    ("campaigns.is_national_office",            "none",                     "read",       "- + - - - - - + -"),
    # The public's feedback: handled by the port's own authority; its visitor's contact whole
    # for that authority alone (everyone else sees it masked and may reveal it, audited).
    ("campaigns.handles_path",                  "path-GD",                  "edit",       "- - + - - - - - -"),
    ("campaigns.handles_path",                  "port_path-NB",             "edit",       "- - - - - - - - -"),
    ("campaigns.handles_path",                  "port_path-SZ",             "edit",       "- - - - + - - - -"),
    ("campaigns.sees_contact",                  "feedback-NB",              "read",       "- - - - - - - - -"),
    ("campaigns.sees_contact",                  "feedback-SZ",              "read",       "- - - - + - - - -"),
    # Daily work: edited by its unit and the authorities above, reviewed by the authorities; a
    # rectification answered by its unit while open, reviewed once answered.
    ("campaigns.activity_can_edit",             "activity-NB",              "edit",       "- + - + - - - + -"),
    ("campaigns.activity_can_edit",             "activity-SZ",              "edit",       "- + + - + + - + -"),
    ("campaigns.activity_can_review",           "activity-NB",              "edit",       "- + - + - - - + -"),
    ("campaigns.activity_can_review",           "activity-SZ",              "edit",       "- + + - + - - + -"),
    ("campaigns.plan_can_edit",                 "plan-NB",                  "edit",       "- + - + - - - + -"),
    ("campaigns.plan_can_edit",                 "plan-SZ",                  "edit",       "- + + - + - - + -"),
    ("campaigns.rectification_can_answer",      "rectification-NB",         "edit",       "- - - - - - - - -"),
    ("campaigns.rectification_can_answer",      "rectification-SZ",         "edit",       "- - - - - + - - -"),
    ("campaigns.rectification_can_answer",      "rectification_answered-SZ","edit",       "- - - - - - - - -"),
    ("campaigns.rectification_can_review",      "rectification-NB",         "edit",       "- - - - - - - - -"),
    ("campaigns.rectification_can_review",      "rectification-SZ",         "edit",       "- - - - - - - - -"),
    ("campaigns.rectification_can_review",      "rectification_answered-NB","edit",       "- + - + - - - + -"),
    ("campaigns.rectification_can_review",      "rectification_answered-SZ","edit",       "- + + - + - - + -"),
    # Assessments: the national template is changed by the national office; reviews are run by
    # the national and provincial offices; a subject is seen along its unit's hierarchy.
    ("assessments.own_provinces",               "none",                     "read",       "- - + + - - - - -"),
    ("assessments.changes_scheme",              "scheme-CN",                "edit",       "- + - - - - - + -"),
    ("assessments.runs_reviews",                "none",                     "edit",       "- + + + - - - + -"),
    ("assessments.sees_subject",                "subject-GD",               "read",       "- + + - + - - + -"),
    # Awards: who nominates for which title where, who sees a nomination, which provinces run
    # their own round and who sees it.
    ("awards.nominating_paths",                 "title-advanced_organizer", "edit",       "- + + + - - - - -"),
    ("awards.nominating_paths",                 "title-advanced_unit",      "edit",       "- - - - + - - - -"),
    ("awards.nominable_titles",                 "none",                     "edit",       "- + + + + - - + -"),
    ("awards.sees_nomination",                  "nomination-NB",            "read",       "- + - + - - - + -"),
    ("awards.sees_nomination",                  "nomination-SZ",            "read",       "- + + - + + - + -"),
    ("awards.is_assigned_reviewer",             "nomination-SZ",            "edit",       "- - - - - - - - -"),
    ("awards.running_provinces",                "none",                     "edit",       "- - + + - - - - -"),
    ("awards.sees_province_round",              "path-GD",                  "read",       "- + + - + - - + -"),
    ("awards.sees_province_round",              "path-ZJ",                  "read",       "- + - + - - - + -"),
]
# fmt: on
