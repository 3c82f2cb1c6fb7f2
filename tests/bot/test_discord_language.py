"""Languages through the fake Discord: /language (admins set it) changes what /digest now says and how its
stories are quoted; a member's question is answered in its own language (here the Spanish refusal), and what
stops a question (a bad option, a question too long, a channel, a rate limit) is said in that language too."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from bot.discord.limits import Limits
from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import Clock, assert_never_pings, finished, is_ephemeral, reply_text, text_of
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS

ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD


@pytest.mark.slow
def test_language_changes_the_digest_and_a_spanish_question_is_answered_in_spanish(scoped_service, feedback,
                                                                                    tmp_path):
    clock = Clock(datetime(2025, 3, 20, 9, 0, tzinfo=timezone.utc))

    async def main() -> None:
        async with running_bot(scoped_service, feedback, clock=clock,
                               state=state_at(tmp_path / "guilds.sqlite3")) as (fake, bot):
            before = await fake.slash("digest", sub="now")
            await finished(fake, before)
            assert "**News digest** since 19 March 2025: 1 story" in text_of(before.followups[0])
            member = await fake.slash("language", {"language": "es"})
            await fake.wait_for(lambda: member.acks)
            assert "Only server admins" in reply_text(member)
            shown = await fake.slash("language")
            await fake.wait_for(lambda: shown.acks)
            assert "English (en), the default" in reply_text(shown)
            chosen = await fake.slash("language", {"language": "es"}, permissions=ADMIN)
            await fake.wait_for(lambda: chosen.acks)
            assert "Español (es)" in reply_text(chosen)
            after = await fake.slash("digest", sub="now")
            await finished(fake, after)
            text = text_of(after.followups[0])
            assert "**Resumen de noticias** desde el 19 de marzo de 2025: 1 noticia" in text
            assert "citado en inglés" in text and "**Fuentes**" in text and "Cubierta por 1 medio" in text
            asked = await fake.slash("ask", {"question": "¿Qué dijo Macron sobre los aranceles?"})
            await finished(fake, asked)
            assert "No encontré eso en los artículos indexados." in text_of(asked.followups[0])
            short = await fake.slash("ask", {"question": "Putin?"})  # its language cannot be told: the server's
            await finished(fake, short)
            assert "citado en inglés" in text_of(short.followups[0]) and "[1]" in text_of(short.followups[0])
            labels = {c.get("custom_id"): c.get("label") for row in short.followups[-1]["components"]
                      for c in row["components"]}
            assert labels["newsbot:quotes"] == "Ver citas"  # the button in the answer's language; it still works
            quotes = await fake.click(short.followups[-1], "newsbot:quotes")
            await fake.wait_for(lambda: quotes.acks)
            assert quotes.acks[0][2].get("embeds") and "no longer" not in (quotes.acks[0][2].get("content") or "")
            english = await fake.slash("ask", {"question": "What did Macron say about tariffs?"})
            await finished(fake, english)
            assert "I couldn't find that in the indexed articles." in text_of(english.followups[0])
            assert fake.rejections == []
            assert_never_pings(fake)
            assert await asyncio.to_thread(bot.deps.state.forget, fake.guild_id) >= 1
            assert bot.deps.state.servers.language(fake.guild_id) is None
    asyncio.run(main())


@pytest.mark.slow
def test_a_german_servers_answer_is_titled_in_german_and_its_buttons_work_after_a_restart(scoped_service, feedback,
                                                                                          tmp_path):
    path = tmp_path / "guilds.sqlite3"

    async def main() -> None:
        async with running_bot(scoped_service, feedback, state=state_at(path)) as (fake, bot):
            chosen = await fake.slash("language", {"language": "de"}, permissions=ADMIN)
            await fake.wait_for(lambda: chosen.acks)
            assert reply_text(chosen).startswith("Nachrichtenüberblicke und Zusammenfassungen dieses Servers sind "
                                                 "auf Deutsch (de)")
            asked = await fake.slash("ask", {"question": "Putin?"})  # its language cannot be told: the server's
            await finished(fake, asked)
            main_embed, sources = asked.followups[0]["embeds"]
            assert sources["title"] == "Quellen" and "zitiert auf Englisch" in main_embed["description"]
            summary = await fake.slash("summary", {"target": "Putin"})
            await finished(fake, summary)
            assert summary.followups[0]["embeds"][0]["title"] == "Zusammenfassung: Putin"
            answer = asked.followups[-1]
        async with running_bot(scoped_service, feedback, state=state_at(path), fake=fake) as (_, restarted):
            assert restarted.deps.answers.get(int(answer["id"])) is None  # a new process: nothing remembered
            up = await fake.click(answer, "newsbot:up")
            await finished(fake, up)
            assert text_of(up.followups[0]) == "Danke für die Rückmeldung!"
            [vote] = feedback.list(1)
            assert (vote.vote, vote.question, vote.answer) == (1, "Putin?", main_embed["description"])
            again = await fake.click(answer, "newsbot:down")
            await fake.wait_for(lambda: again.acks)
            assert reply_text(again) == "Du hast diese Antwort schon bewertet."
            quotes = await fake.click(answer, "newsbot:quotes")
            await fake.wait_for(lambda: quotes.acks)
            assert reply_text(quotes) == "Die Textstellen dieser Antwort habe ich nicht mehr; bitte frag noch einmal."
            assert fake.rejections == []
            assert_never_pings(fake)
    asyncio.run(main())


def test_what_stops_a_members_question_is_said_in_their_language(service, feedback, tmp_path):
    """In a German server: a member trying an admin's command, a bad `since:` under a German question, a
    Spanish question too long to read (the question's language wins over the server's), a channel the bot does
    not answer in and a user asking too fast are each told in one line of the member's language, not English."""
    async def main() -> None:
        async with running_bot(service, feedback, state=state_at(tmp_path / "guilds.sqlite3"),
                               limits=Limits(per_user=2, progress_interval=0)) as (fake, bot):
            chosen = await fake.slash("language", {"language": "de"}, permissions=ADMIN)
            await fake.wait_for(lambda: chosen.acks)
            member = await fake.slash("language", {"language": "es"})  # a member, not an admin
            await fake.wait_for(lambda: member.acks)
            assert reply_text(member) == "Das dürfen nur Server-Admins (Berechtigung „Server verwalten“ oder eine " \
                "Admin-Rolle)."
            since = await fake.slash("ask", {"question": "Was hat Putin bei dem Telefonat mit Trump zugesagt?",
                                             "since": "gestern abend"})
            await fake.wait_for(lambda: since.acks)
            assert is_ephemeral(since.acks[0][2])
            assert reply_text(since) == ("Ich kann since: gestern abend nicht lesen; nimm z. B. 3d, 2w, 1m "
                                         "oder 2025-03-01.")
            spanish = "¿Qué dijo el presidente sobre los aranceles y las negociaciones con Europa? " * 30
            await fake.say(f"<@{fake.bot_user['id']}> {spanish}", mention_bot=True)
            await fake.wait_for(lambda: fake.bot_messages(fake.channel_id))
            [told] = fake.bot_messages(fake.channel_id)
            assert told["content"] == f"Es demasiado largo ({len(spanish.strip())} caracteres); no pases de 2000."
            side = fake.side_channel_id
            allow = await fake.slash("channels", sub="allow", channel_id=side, permissions=ADMIN)
            await fake.wait_for(lambda: allow.acks)
            elsewhere = await fake.slash("ask", {"question": "Putin?"}, channel_id=fake.channel_id)
            await fake.wait_for(lambda: elsewhere.acks)
            assert reply_text(elsewhere) == f"Auf diesem Server antworte ich nur in <#{side}>."
            asks = await asyncio.gather(*(fake.slash("ask", {"question": "Putin?"}, user="bob", channel_id=side)
                                          for _ in range(3)))
            await fake.wait_for(lambda: all(i.acks for i in asks))
            [slowed] = [i for i in asks if is_ephemeral(i.acks[0][2])]
            assert reply_text(slowed).startswith("Langsamer bitte: höchstens 2 Fragen alle 60 s.")
            for answered in (i for i in asks if i is not slowed):
                await finished(fake, answered)
            assert fake.rejections == []
            assert_never_pings(fake)
    asyncio.run(main())
