"""One retry policy, a total budget and a circuit breaker for the LLM (index/llm/policy.py); empty settings
are unset. The model is the real openai client over HTTP: to the fake OpenAI server, to a closed port, and
to a server that accepts connections and never answers."""
import socket
import threading
from unittest import mock

import pytest

from index.app import build_service
from index.errors import LLMUnavailable
from index.llm.policy import CircuitBreaker, RetryPolicy, call
from index.settings import Settings
from tests.support.ports import free_port
from tests.support.fake_openai import fake_openai, fake_openai_server, http_error  # noqa: F401
from tests.support.cli_process import newsbot
from tests.support.llm_answers import quoting_model

QUESTION = "What did Putin agree to?"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class StatusError(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


def test_only_rate_limits_and_server_errors_are_retried_within_the_budget():
    clock = Clock()
    policy, breaker = RetryPolicy(budget=10, max_retries=3), CircuitBreaker(cooldown=30, clock=clock)
    seen = []

    def failing(error):
        def attempt(timeout, retry):
            seen.append((round(timeout, 2), retry))
            raise error
        return attempt

    with pytest.raises(LLMUnavailable):
        call(failing(StatusError(503)), policy, breaker, clock, clock.sleep)
    assert seen == [(10, 0), (9.5, 1), (8.5, 2), (6.5, 3)]  # backoff 0.5, 1, 2 s, each timeout what is left
    assert breaker.state == "open"
    for error in (ConnectionRefusedError(), TimeoutError()):  # dead or hanging: one attempt, then open
        seen.clear()
        clock.now += 30
        with pytest.raises(LLMUnavailable):
            call(failing(error), policy, breaker, clock, clock.sleep)
        assert len(seen) == 1


def test_the_breaker_fails_at_once_until_a_probe_succeeds():
    clock = Clock()
    breaker = CircuitBreaker(cooldown=30, clock=clock)
    policy = RetryPolicy(budget=10, max_retries=0)
    attempts = []

    def attempt(timeout, retry):
        attempts.append(clock.now)
        if clock.now < 60:
            raise ConnectionRefusedError()
        return "ok"

    for now in (0, 10, 29, 30, 31, 59):
        clock.now = now
        with pytest.raises(LLMUnavailable):
            call(attempt, policy, breaker, clock, clock.sleep)
    assert attempts == [0, 30]  # the first failure, then one probe after the cooldown (which failed too)
    clock.now = 60
    assert call(attempt, policy, breaker, clock, clock.sleep) == "ok" and breaker.state == "closed"


def _llm_service(seed_service, base_url: str, **extra):
    values = dict(home=seed_service.settings.home, openai_base_url=base_url, llm_model="fake-model",
                  llm_max_retries=3, llm_timeout=60)
    return build_service(Settings(**(values | extra)), embedder=seed_service.embedder)


def _count_attempts(service):
    """A spy on the model's chat call: how many requests the policy makes (the call still goes out)."""
    llm_class = type(service.llm.chat_model)
    return mock.patch.object(llm_class, "chat", autospec=True, side_effect=llm_class.chat)


@pytest.mark.slow
def test_a_closed_port_costs_one_attempt_for_ten_questions(seed_service):
    service = _llm_service(seed_service, f"http://127.0.0.1:{free_port()}/v1")
    offline = [seed_service.ask(QUESTION) for _ in range(10)]
    with _count_attempts(service) as chat:
        answers = [service.ask(QUESTION) for _ in range(10)]
    assert chat.call_count == 1 and service.llm.breaker.state == "open"
    assert all("language model is unavailable" in a.note for a in answers)
    assert [a.text for a in answers] == [a.text for a in offline]


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held, stop = [], threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1", held
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.mark.slow  # about 3 s or more here (a --durations run)
def test_a_server_that_never_answers_costs_one_attempt_within_the_budget(seed_service, silent_server):
    url, held = silent_server
    service = _llm_service(seed_service, url, llm_timeout=1.0)
    with _count_attempts(service) as chat:
        first = service.ask(QUESTION)
        second = service.ask(QUESTION)
    assert chat.call_count == 1 and chat.call_args.kwargs["timeout"] <= 1.0 and len(held) == 1
    assert "language model is unavailable" in first.note and first.citations
    assert second.note == first.note and service.llm.breaker.state == "open"


@pytest.mark.slow  # about 3 s or more here (a --durations run)
def test_after_a_failure_questions_fall_back_at_once_until_the_probe_succeeds(seed_service, fake_openai):  # noqa: F811
    service = _llm_service(seed_service, fake_openai.base_url, llm_max_retries=1, llm_probe_seconds=3600)
    fake_openai.enqueue(http_error(500), http_error(500))
    fake_openai.set_default(quoting_model)
    assert "language model is unavailable" in service.ask(QUESTION).note
    assert [r.retry_count for r in fake_openai.chat_requests] == [0, 1]  # one policy: the attempt count is ours
    assert "language model is unavailable" in service.ask(QUESTION).note
    assert len(fake_openai.chat_requests) == 2  # the open circuit sent nothing
    service.llm.breaker.cooldown = 0  # the cooldown is over: the next question is the probe
    answer = service.ask(QUESTION)
    assert answer.note == "" and answer.citations and service.llm.breaker.state == "closed"
    assert len(fake_openai.chat_requests) == 3


def test_empty_settings_are_unset(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("OPENAI_API_KEY=\nOPENAI_BASE_URL=\nNEWSBOT_HOME=\nNEWSBOT_TOP_K=\n")
    monkeypatch.chdir(tmp_path)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DISCORD_TOKEN", "NEWSBOT_LLM_TIMEOUT"):
        monkeypatch.setenv(name, "")
    settings = Settings()
    assert not settings.llm_enabled and settings.discord_token is None and settings.top_k == 6
    assert settings.llm_timeout == 60 and settings.home == Settings.model_fields["home"].default_factory()


@pytest.mark.slow
def test_ask_with_empty_openai_settings_answers_offline_without_a_note(tmp_path):
    result = newsbot("ask", QUESTION, "--json", home=tmp_path, env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert '"note"' not in result.stdout and '"refused": false' in result.stdout


def test_a_call_with_no_time_left_of_its_question_does_not_go_out_nor_open_the_breaker():
    clock = Clock()
    breaker = CircuitBreaker(cooldown=30, clock=clock)
    attempts = []
    with pytest.raises(LLMUnavailable, match="no time left"):
        call(lambda timeout, retry: attempts.append(timeout), RetryPolicy(budget=10, max_retries=3), breaker,
             clock, clock.sleep, deadline=clock.now + 0.1)
    assert attempts == [] and breaker.state == "closed"


@pytest.mark.slow  # about 3 s or more here (a --durations run)
def test_a_follow_up_rewrite_and_its_answer_share_one_budget(seed_service, fake_openai):  # noqa: F811
    from index.types import Turn
    from tests.support.fake_openai import slow

    service = _llm_service(seed_service, fake_openai.base_url, llm_timeout=4.0)
    fake_openai.enqueue(slow(1.5, "What did Zelensky say about the energy ceasefire?"))
    fake_openai.set_default(quoting_model)
    answer = service.ask("And what did he say?", history=[Turn(QUESTION, "A pause [1].")])
    rewrite, final = fake_openai.chat_requests
    assert answer.note == "" and answer.citations
    # the answer's request was given what the rewrite left of the 4 s, not 4 s of its own
    assert float(final.headers["x-stainless-read-timeout"]) < 4.0 - 1.5
    assert float(rewrite.headers["x-stainless-read-timeout"]) <= 4.0
