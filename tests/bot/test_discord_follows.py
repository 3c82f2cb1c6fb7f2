"""/follow end to end, with two servers: a member's follow is told by DM of a new article on its topic (title,
outlet, date, one quoted sentence), a follow on an unrelated topic hears nothing, a member who does not
accept DMs is told at once, and another server neither sees this server's source nor hears of its articles."""
from __future__ import annotations

import asyncio

from index.app import build_service
from tests.support.discord_bot import running_bot
from tests.support.discord_helpers import assert_never_pings, text_of, until
from tests.support.fake_discord import MEMBER_PERMISSIONS, FakeDiscord
from tests.support.scoped_sources import ADMIN, CHESS, MANY, add_and_index, pages_server, scoped_settings


async def acked(fake: FakeDiscord, inter) -> str:
    await fake.wait_for(lambda: inter.acks)
    return inter.acks[0][2].get("content", "")


async def follow(fake: FakeDiscord, topic: str, channel: str, user: str = "alice", target: str | None = None) -> str:
    inter = await fake.slash("follow", {"topic": topic}, sub="add", user=user, channel_id=channel,
                             permissions=ADMIN if target else MEMBER_PERMISSIONS,
                             channels={"channel": target} if target else None)
    return await acked(fake, inter)


def test_follows_are_told_of_matching_articles_of_their_server_only(tmp_path, service, feedback):
    svc = build_service(scoped_settings(tmp_path / "home"), embedder=service.embedder)
    svc.index()
    heard: list = []
    svc.watch_new_articles(heard.extend)

    async def main() -> None:
        async with running_bot(svc, feedback, second_guild=True, limits=MANY) as (fake, bot):
            a, b = fake.channel_id, fake.other_channel_id
            assert "Following **chess club**" in await follow(fake, "chess club", a)
            assert "Following **chess club**" in await follow(fake, "chess club", b, user="bob")
            assert "Following" in await follow(fake, "central bank interest rates", a, target=fake.side_channel_id)
            carol = fake.user("carol")["id"]
            fake.closed_dms.add(carol)
            assert "can't send you direct messages" in await follow(fake, "chess club", a, user="carol")
            with pages_server() as web:
                await add_and_index(fake, web, [(a, "/chess", "chess")])
            alice_dm = await until(lambda: len(fake.bot_messages(fake.dm_channel_id)) >= 2
                                   and fake.bot_messages(fake.dm_channel_id))
            notice = text_of(alice_dm[1])
            assert CHESS[0] in notice and "— 127.0.0.1 · 2025-03-21" in notice and "/chess>" in notice
            assert "> “" in notice and "chess" in notice.lower()
            await bot.deps.relay.handle(heard)  # every follow handled once more: nothing new, nothing twice
            bob_dm = fake.dm_channels[fake.users["bob"]["id"]]
            assert len(fake.bot_messages(bob_dm)) == 1, "another server's follow hears nothing of this server's source"
            assert fake.bot_messages(fake.side_channel_id) == [], "an unrelated topic hears nothing"
            assert len(fake.bot_messages(fake.dm_channel_id)) == 2
            assert len(bot.deps.state.subscriptions.follows(int(fake.guild_id))) == 2  # not carol's
            other = await fake.slash("feed", {"source": "chess"}, sub="post", permissions=ADMIN, channel_id=b,
                                     channels={"channel": b})
            assert "no source named 'chess'" in await acked(fake, other)
            listing = await acked(fake, await fake.slash("follow", sub="list", user="bob", channel_id=b))
            assert "chess club" in listing and "central bank" not in listing
            assert fake.rejections == []
            assert_never_pings(fake)
    asyncio.run(main())

