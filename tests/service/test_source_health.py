"""Source health through NewsService: a feed on 127.0.0.1 that answers 403, then broken XML, then recovers."""
from __future__ import annotations

from index.app import build_service
from index.settings import Settings
from tests.support.feeds import FeedSite
from tests.support.http_server import body


def test_a_failing_feed_is_recorded_with_its_kind_keeps_its_articles_and_recovers(tmp_path, embedder):
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "local"\nkind = "feed"\nlocation = "{site.url("/feed")}"\n')
        service = build_service(Settings(home=tmp_path / "home", sources_file=sources, allow_private_urls=True),
                                embedder=embedder)
        assert len(service.index().added) == 1
        [health] = service.source_health()
        assert (health.name, health.state, health.last_error) == ("local", "ok", "")
        first_success = health.last_success
        assert first_success

        forbidden = body("forbidden", "text/plain", 403)
        site.server.routes = _Override(site.server.routes, {"/feed": forbidden})
        for _ in range(2):
            assert service.index().errors
        [health] = service.source_health()
        assert health.state == "failing" and health.episode.startswith("failing@")
        assert health.last_error_kind == "HTTP 403" and "403" in health.last_error
        assert health.last_success == first_success
        [status] = service.sources()
        assert status.articles == 1 and status.health == "failing"  # a failed fetch deletes nothing
        assert status.last_error_kind == "HTTP 403" and status.last_success == first_success

        site.server.routes.overrides["/feed"] = body("<rss><channel><item><title>x</ti", "application/rss+xml")
        service.index()
        [again] = service.source_health()
        assert again.episode == health.episode and again.last_error_kind == "parse error"

        del site.server.routes.overrides["/feed"]
        assert not service.index().errors
        [recovered] = service.source_health()
        assert (recovered.state, recovered.episode) == ("ok", "")
        assert recovered.last_success >= first_success
        assert service.sources()[0].articles == 1


class _Override(dict):
    """The site's routes, with some paths answered differently."""

    def __init__(self, routes, overrides) -> None:
        super().__init__()
        self.routes, self.overrides = routes, overrides

    def get(self, path, default=None):
        return self.overrides.get(path) or self.routes.get(path, default)
