"""Memory of recent conversations, so that replies and thread messages are understood as follow-ups.

Keys are Discord ids: the id of a thread the bot answers in, and the ids of the bot's answer messages,
kept apart: on Discord a thread started from a message has that message's id, and the answer message
(replied to in the channel) and its thread (the conversation that went on there) are two conversations.
Each maps to the turns so far. The memory is bounded (least recently used entries are dropped) and
lives only as long as the process.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Iterable, Literal, Sequence

from index.types import Answer, Turn


Key = tuple[Literal["thread", "message"], int]


class Conversations:
    """A bounded map from thread ids and from message ids (two kinds of key, never confused) to the
    conversation turns that led there."""

    def __init__(self, max_entries: int = 5000, max_turns: int = 8) -> None:
        self.max_entries = max_entries
        self.max_turns = max_turns
        self._turns: OrderedDict[Key, tuple[Turn, ...]] = OrderedDict()

    def _get(self, key: Key) -> tuple[Turn, ...] | None:
        if key[1] is None or key not in self._turns:
            return None
        self._turns.move_to_end(key)
        return self._turns[key]

    def of_thread(self, thread_id: int | None) -> tuple[Turn, ...] | None:
        """The turns of the conversation in a thread, or None if it is not a known conversation."""
        return self._get(("thread", thread_id))  # type: ignore[arg-type]

    def of_message(self, message_id: int | None) -> tuple[Turn, ...] | None:
        """The turns that led to one of the bot's answer messages, or None if it is not known."""
        return self._get(("message", message_id))  # type: ignore[arg-type]

    def history(self, channel_id: int, reference_id: int | None) -> tuple[Turn, ...] | None:
        """Turns for a message in `channel_id` replying to `reference_id`: the thread's, else the reply's."""
        found = self.of_thread(channel_id)
        return found if found is not None else self.of_message(reference_id)

    def record(self, message_ids: Iterable[int], history: Sequence[Turn], turn: Turn,
               thread_id: int | None = None) -> tuple[Turn, ...]:
        """Append `turn` to `history` and remember the result under each answer message and the thread it
        was asked in (if any); returns the new turns."""
        turns = (*history, turn)[-self.max_turns:]
        keys: list[Key] = [("message", m) for m in message_ids]
        for key in keys + ([("thread", thread_id)] if thread_id is not None else []):
            self._turns[key] = turns
            self._turns.move_to_end(key)
        while len(self._turns) > self.max_entries:
            self._turns.popitem(last=False)
        return turns


class AnswerCache:
    """Recent answers by the id of the message that carries their buttons, and who voted on them."""

    def __init__(self, max_entries: int = 2000) -> None:
        self.max_entries = max_entries
        self._answers: OrderedDict[int, tuple[str, Answer]] = OrderedDict()
        self._votes: OrderedDict[tuple[int, int], None] = OrderedDict()

    def remember(self, message_id: int, question: str, answer: Answer) -> None:
        """Keep `answer` (and the question it answers) for the buttons under message `message_id`."""
        self._answers[message_id] = (question, answer)
        self._answers.move_to_end(message_id)
        while len(self._answers) > self.max_entries:
            self._answers.popitem(last=False)

    def clear(self) -> None:
        """Forget every answer and vote, as a restart of the bot does."""
        self._answers.clear()
        self._votes.clear()

    def get(self, message_id: int) -> tuple[str, Answer] | None:
        """(question, answer) shown in message `message_id`, None if forgotten (or from before a restart)."""
        return self._answers.get(message_id)

    def first_vote(self, message_id: int, user_id: int) -> bool:
        """True the first time `user_id` votes on message `message_id` (as far as this process knows)."""
        key = (message_id, user_id)
        if key in self._votes:
            return False
        self._votes[key] = None
        while len(self._votes) > 10 * self.max_entries:
            self._votes.popitem(last=False)
        return True
