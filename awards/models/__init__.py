"""The biennial national award round (DESIGN §4, §7).

A round runs `draft → nominating → provincial_review → national_review → public_notice → decided
→ closed` from the admin. Port officers nominate ports, units and people of their area, provincial
officers nominate organizers; each province's panel scores its nominations in an assessments
review (round key `Round.review_key`), the provincial officer submits a ranked list within the
quota, the national panel scores the recommended nominations, the office decides, the candidates
are published for objections, and the honours are granted with a certificate each.
"""

from awards.models.honours import *  # noqa: F403
from awards.models.nominations import *  # noqa: F403
from awards.models.rounds import *  # noqa: F403
