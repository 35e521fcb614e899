"""Query counts shared by the exact query-count tests (`django_assert_num_queries`).

A test's expected count is written as the sum of what the page costs, `BASE + 1 + 2`, with a
comment naming each term; the terms every page pays are defined here once. A number that only
one file needs stays in that file.

BASE = 3, what every page of a logged-in user costs before its own reads:
    1  the session row (django.contrib.sessions, database backend);
    1  the user (`request.user`, loaded from the session's user id);
    1  the user's scope (`campaigns.scope.scope_for`): one UNION over their authority and unit
       grants, to themselves and through their groups, read once (by the navigation) and kept
       on the user for the rest of the request, so the page's own access checks and filters
       reuse it.
    An anonymous visitor pays none of the three. The admin's pages add the user's model
    permissions (2: their own and their groups', for the menu), counted in each admin test
    where they appear.

EXTRA = 12, not a count of queries: how many more rows a test adds to show that the count does
not grow with the rows (a page that runs the same number of queries for one row and for
1 + EXTRA rows has no query per row).
"""

BASE = 3
EXTRA = 12
