"""Stories and digests: articles that tell the same event grouped (stories.py), read from the store
(leads.py), and the digest of a window of days (digest.py)."""
