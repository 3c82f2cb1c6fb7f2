"""PostgreSQL stops while the bot runs on it (NEWSBOT_DATABASE_URL): questions are still answered where the
admins said (the last channel rules read), a digest schedule that came due during the outage fires once when
the database is back, nothing is posted twice, and the bot never crashes."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import Clock, finished, text_of
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS

pytestmark = pytest.mark.slow  # stops and starts the PostgreSQL server
ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD



def test_a_postgresql_outage_answers_from_the_last_rules_and_fires_the_missed_digest_once(
        service, feedback, postgres, caplog):
    clock = Clock(datetime(2025, 3, 20, 9, 0, tzinfo=timezone.utc))

    async def ask(fake, channel: str) -> str:
        inter = await fake.slash("ask", {"question": "What did the lighthouse keepers vote for?"}, channel_id=channel)
        await finished(fake, inter, timeout=60)
        return text_of(inter.followups[-1])

    async def main() -> None:
        async with running_bot(service, feedback, clock=clock, state=state_at(postgres.new_database())) as (fake, bot):
            deny = await fake.slash("channels", sub="deny", permissions=ADMIN, channel_id=fake.side_channel_id)
            await fake.wait_for(lambda: deny.acks)
            made = await fake.slash("digest", {"time": "09:05"}, sub="schedule", permissions=ADMIN)
            await fake.wait_for(lambda: made.acks)
            assert "scheduled" in text_of(made.acks[0][2])
            assert "strike" in (await ask(fake, fake.channel_id)).lower()  # the rules are read (and kept)
            digests = bot.get_cog("DigestCommands")
            tick = digests.watch.coro  # the loop's round: a failure is logged, never raised
            postgres.stop()
            try:
                assert "strike" in (await ask(fake, fake.channel_id)).lower()
                refused = await fake.slash("ask", {"question": "What did the keepers vote for?"},
                                           channel_id=fake.side_channel_id)
                await fake.wait_for(lambda: refused.acks)
                assert "don't answer" in text_of(refused.acks[0][2]) and not refused.followups  # still denied there
                clock.now += timedelta(minutes=6)  # the schedule comes due while the database is down
                await tick()
                assert fake.bot_messages(fake.channel_id) == []
            finally:
                postgres.start()
            await tick()
            await fake.wait_for(lambda: fake.bot_messages(fake.channel_id))
            await tick()
            clock.now += timedelta(minutes=1)
            await tick()
            await asyncio.sleep(0.3)
            posted = fake.bot_messages(fake.channel_id)
            assert len(posted) == 1 and "digest" in posted[0]["content"].lower(), posted
            assert not bot.is_closed() and fake.rejections == []
        assert "channel rules of server" in caplog.text and "could not fire the digest schedules" in caplog.text

    asyncio.run(main())
