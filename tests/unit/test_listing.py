"""Children listings in batches: the parameters, the cursors, the links."""

import pytest
from pyramid.httpexceptions import HTTPBadRequest
from webob.multidict import MultiDict

from cms.listing import children_batch, parse_batch_params
from cms.models import Node
from tests.factories import add_document, add_folder

BASE = "http://example.com/folder/"


@pytest.fixture
def folder(root, dbsession):
    """/folder/ with p0 … p6, in that order."""
    folder = add_folder(root, "folder")
    for number in range(7):
        add_document(folder, f"p{number}")
    dbsession.flush()
    return folder


def names(batch):
    return [row.name for row in batch.items]


def every_batch(dbsession, folder, size):
    """The batches from the first, following each one's next cursor."""
    batches = [children_batch(dbsession, folder, size)]
    while batches[-1].next_cursor:
        after = batches[-1].next_cursor
        batches.append(children_batch(dbsession, folder, size, after=after))
    return batches


def last_batch(dbsession, folder, size):
    return every_batch(dbsession, folder, size)[-1]


def cursor_of(url, key):
    """The value of *key* in the query of *url*, or ``None``."""
    query = MultiDict(
        pair.split("=", 1) for pair in url.partition("?")[2].split("&") if pair
    )
    return query.get(key)


class TestParameters:
    def test_the_default_size_is_the_sites(self, make_request):
        assert parse_batch_params(make_request()) == (25, None, None)
        assert parse_batch_params(make_request(batch_size="7")) == (7, None, None)

    @pytest.mark.parametrize("size", ["1", "1000"])
    def test_sizes_from_one_to_the_maximum(self, make_request, size):
        assert parse_batch_params(make_request(params={"b_size": size}))[0] == int(size)

    @pytest.mark.parametrize(
        "size", ["0", "1001", "-1", "", " 5", "5.0", "1e3", "abc", "٣", "\uff19"]
    )
    def test_any_other_size_is_400(self, make_request, size):
        with pytest.raises(HTTPBadRequest, match="b_size"):
            parse_batch_params(make_request(params={"b_size": size}))

    def test_the_maximum_is_the_sites(self, make_request):
        request = make_request(params={"b_size": "60"}, batch_size_max="50")
        with pytest.raises(HTTPBadRequest, match="from 1 to 50"):
            parse_batch_params(request)

    @pytest.mark.parametrize("cursor", ["3.14", "-1.2", "0.0", "9" * 18 + ".1"])
    def test_cursors_as_the_links_write_them(self, make_request, cursor):
        after = make_request(params={"b_after": cursor})
        before = make_request(params={"b_before": cursor})
        assert parse_batch_params(after) == (25, cursor, None)
        assert parse_batch_params(before) == (25, None, cursor)

    @pytest.mark.parametrize(
        "cursor", ["", "3", "3.", ".3", "3.4.5", "a.b", "3.-4", "9" * 19 + ".1"]
    )
    def test_a_cursor_not_made_by_a_link_is_400(self, make_request, cursor):
        with pytest.raises(HTTPBadRequest, match="follow batching links"):
            parse_batch_params(make_request(params={"b_after": cursor}))

    def test_both_cursors_is_400(self, make_request):
        request = make_request(params={"b_after": "1.1", "b_before": "5.5"})
        with pytest.raises(HTTPBadRequest, match="not both"):
            parse_batch_params(request)

    @pytest.mark.parametrize("key", ["b_size", "b_after", "b_before"])
    def test_a_parameter_given_twice_is_400(self, make_request, key):
        value = "3" if key == "b_size" else "1.1"
        request = make_request(params=[(key, value), (key, value)])
        with pytest.raises(HTTPBadRequest, match="more than once"):
            parse_batch_params(request)


class TestBatches:
    def test_forward_to_the_end(self, folder, dbsession):
        first = children_batch(dbsession, folder, 3)
        assert names(first) == ["p0", "p1", "p2"]
        assert (first.total, first.has_prev) == (7, False)
        second = children_batch(dbsession, folder, 3, after=first.next_cursor)
        assert names(second) == ["p3", "p4", "p5"]
        assert (second.total, second.has_prev) == (7, True)
        last = children_batch(dbsession, folder, 3, after=second.next_cursor)
        assert names(last) == ["p6"]
        assert last.next_cursor is None
        assert last.total == 7

    def test_and_back_again(self, folder, dbsession):
        last = last_batch(dbsession, folder, 3)
        middle = children_batch(dbsession, folder, 3, before=last.prev_cursor)
        assert names(middle) == ["p3", "p4", "p5"]
        assert middle.has_prev
        first = children_batch(dbsession, folder, 3, before=middle.prev_cursor)
        assert names(first) == ["p0", "p1", "p2"]
        assert not first.has_prev
        assert names(children_batch(dbsession, folder, 3, after=first.next_cursor)) == [
            "p3",
            "p4",
            "p5",
        ]

    @pytest.mark.parametrize("size", [1, 2, 7, 8])
    def test_every_child_once_and_no_empty_batch_at_the_end(
        self, folder, dbsession, size
    ):
        batches = every_batch(dbsession, folder, size)
        assert [name for batch in batches for name in names(batch)] == [
            f"p{number}" for number in range(7)
        ]
        assert all(batch.items for batch in batches)
        assert len(batches) == -(-7 // size)

    def test_a_deletion_between_batches_skips_nothing(self, folder, dbsession):
        first = children_batch(dbsession, folder, 3)
        folder["p1"].delete()
        dbsession.flush()
        second = children_batch(dbsession, folder, 3, after=first.next_cursor)
        assert names(second) == ["p3", "p4", "p5"]
        assert second.total == 6

    def test_only_the_children_asked_for_are_listed_and_counted(
        self, folder, dbsession
    ):
        visible = Node.name.in_(["p1", "p3", "p5", "p6"])
        first = children_batch(dbsession, folder, 2, where=visible)
        assert (names(first), first.total) == (["p1", "p3"], 4)
        rest = children_batch(
            dbsession, folder, 2, after=first.next_cursor, where=visible
        )
        assert (names(rest), rest.total, rest.next_cursor) == (["p5", "p6"], 4, None)

    def test_a_small_folder_costs_one_query(self, folder, dbsession, count_queries):
        with count_queries() as small:
            batch = children_batch(dbsession, folder, 25)
        assert (len(small), batch.total) == (1, 7)
        with count_queries() as big:
            batch = children_batch(dbsession, folder, 5)
        assert (len(big), batch.total) == (2, 7)


class TestLinks:
    def links(self, make_request, folder, dbsession, path="/folder/", **kwargs):
        batch = children_batch(dbsession, folder, **kwargs)
        return batch.batching(make_request(path), "/folder/")

    def test_the_first_batch(self, make_request, folder, dbsession):
        links = self.links(make_request, folder, dbsession, size=3)
        assert links["@id"] == links["first"] == BASE + "?b_size=3"
        assert "prev" not in links
        assert links["next"].startswith(BASE + "?b_size=3&b_after=")

    def test_following_next_then_prev_comes_back(self, make_request, folder, dbsession):
        first = self.links(make_request, folder, dbsession, size=3)
        after = cursor_of(first["next"], "b_after")
        second = self.links(make_request, folder, dbsession, size=3, after=after)
        assert second["@id"] == first["next"]
        before = cursor_of(second["prev"], "b_before")
        back = children_batch(dbsession, folder, 3, before=before)
        assert names(back) == ["p0", "p1", "p2"]

    def test_the_last_batch_has_no_next(self, make_request, folder, dbsession):
        after = last_batch(dbsession, folder, 3).after
        last = self.links(make_request, folder, dbsession, size=3, after=after)
        assert "next" not in last
        assert "prev" in last
        assert last["first"] == BASE + "?b_size=3"

    def test_one_batch_holding_all_has_neither(self, make_request, folder, dbsession):
        links = self.links(make_request, folder, dbsession, size=25)
        # The site's own size is left out of the links.
        assert links == {"@id": BASE, "first": BASE}

    def test_a_client_on_the_api_stays_there(self, make_request, folder, dbsession):
        links = self.links(
            make_request, folder, dbsession, path="/++api++/folder/", size=3
        )
        api = "http://example.com/++api++/folder/"
        assert all(url.startswith(api) for url in links.values())
