"""Per-address rate limits for the public pages (feedback, tracking, surveys, objections).

Each page names a bucket and its default (requests allowed, window in seconds);
`CIVPORT_RATE_LIMITS` in the settings overrides a bucket's default. Requests are counted in the
shared cache in fixed windows.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from civport.client import client_address


def rate_limit_hit(bucket, key, *, limit, window):
    """Count one request of `key` (an address) in `bucket` in the current fixed window of
    `window` seconds; True when it goes over `limit`.

    The counter lives in the shared cache (Redis in production), so every web process counts
    together. When the cache cannot be reached the request is let through: the public pages keep
    serving while Redis is down.
    """
    window_index = int(timezone.now().timestamp()) // window
    cache_key = f"ratelimit:{bucket}:{key}:{window_index}"
    try:
        # add() is a no-op when the key exists, so concurrent first requests do not reset it.
        cache.add(cache_key, 0, timeout=window + 1)
        count = cache.incr(cache_key)
    except ValueError:
        # The key expired between add() and incr(): this request starts a new window.
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    except Exception:  # noqa: BLE001 - any cache failure must not take the public page down
        return False
    return count > limit


def rate_limit_wait(request, bucket, default):
    """None, or the minutes to wait when the request's address went over the bucket's limit.

    `default` is the bucket's (requests allowed, window in seconds) unless `CIVPORT_RATE_LIMITS`
    names the bucket."""
    limits = getattr(settings, "CIVPORT_RATE_LIMITS", {})
    limit, window = limits.get(bucket, default)
    if rate_limit_hit(bucket, client_address(request) or "-", limit=limit, window=window):
        return max(1, window // 60)
    return None


def rate_limited_message(minutes):
    return _(
        "Too many requests have come from your network address in a short time. Please try "
        "again in %(minutes)s minutes."
    ) % {"minutes": minutes}
