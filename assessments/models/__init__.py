"""Assessment schemes, reviews, score sheets and the annual assessment cycle (DESIGN §7).

A scheme is a versioned tree: the nine construction areas → indicators → scoring items, plus
veto conditions. A published version is frozen; every score points at the item (and so at the
version) it was given on. A review is one panel scoring a set of subjects on one scheme: a
province's review of an award round, the national review, or an annual cycle's scoring. Other
apps attach their objects (a nomination, a unit) to a subject through a generic key, so this app
never imports them.
"""

from assessments.models.cycles import *  # noqa: F403
from assessments.models.reviews import *  # noqa: F403
from assessments.models.schemes import *  # noqa: F403
