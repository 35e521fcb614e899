"""The shared rate limit of the public pages: counted per bucket and address in the cache."""

import uuid

from civport.ratelimit import rate_limit_hit


def test_rate_limit_window_counts_in_the_cache():
    key = str(uuid.uuid4())
    assert not rate_limit_hit("test", key, limit=2, window=60)
    assert not rate_limit_hit("test", key, limit=2, window=60)
    assert rate_limit_hit("test", key, limit=2, window=60)
    assert not rate_limit_hit("other", key, limit=2, window=60)
