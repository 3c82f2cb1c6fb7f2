"""What the bot posts on its own, as one feature: feed channels (`/feed`), follows (`/follow`), source alerts
(`/alerts`) and digest schedules (`/digest`).

The rules are pure and tested without Discord: when a schedule is due (`digest_times.py`), which alert
episodes to tell (`alert_rules.py`), which feed channels and follows a batch of new articles reaches and what
their filters let through (`fanout.py`, `feed_filters.py`), which process serves a server (`shards.py`). The cogs
are thin; everything they post goes through one poster (`poster.py`: paced, permission-checked, once), and
the new articles come from the outbox every process reads (`news_relay.py`, bot/state/outbox.py). Their state
is the adapter's (bot/state/).
"""
