"""Which chunks a digest reads: the lead chunk of each article of the window, per source and scope."""
from index.news.leads import window_filters
from index.store.chunks import ChunkFilter


def test_a_digest_reads_the_leads_of_its_window():
    assert window_filters(("shared", "g42"), 20000, None) == [
        ChunkFilter(scopes=("shared", "g42"), since_day=20000, position=0)]
    assert window_filters(("shared", "g42"), 20000, 20003, ["wire"]) == [
        ChunkFilter(source="wire", scopes=("shared",), since_day=20000, until_day=20003, position=0),
        ChunkFilter(source="g42~wire", scopes=("g42",), since_day=20000, until_day=20003, position=0)]
    assert ChunkFilter(scopes=("shared",), since_day=3, position=0).to_where() == {
        "$and": [{"position": 0}, {"scope": "shared"}, {"published_day": {"$gte": 3}}]}
