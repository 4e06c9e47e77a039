import pytest

from zoho_client import Page, ZohoBadResponse, ZohoPageCapReached
from zoho_client.pagination import iterate_pages

from .fakes import ACCOUNTS, API, ok, token_reply


def page_reply(page, more, ids):
    return ok(customers=[{"customer_id": str(i), "currency_code": "USD"} for i in ids],
              page_context={"page": page, "per_page": 2, "has_more_page": more, "applied_filter": "Status.All"})


def test_single_page_call_returns_items_and_has_more(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers", page_reply(2, True, [3, 4]))
    page = scripted_zoho.customers.list(page=2, per_page=2, filter_by="Status.Active")
    assert [c.customer_id for c in page.items] == ["3", "4"]
    assert (page.page, page.per_page, page.has_more_page, page.has_previous_page) == (2, 2, True, True)
    query = adapter.calls("GET")[0].query
    assert query == {"page": ["2"], "per_page": ["2"], "filter_by": ["Status.Active"]}


def test_iter_all_follows_has_more_page(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers", page_reply(1, True, [1, 2]), page_reply(2, True, [3, 4]),
                page_reply(3, False, [5]))
    assert [c.customer_id for c in scripted_zoho.customers.iter_all(per_page=2)] == ["1", "2", "3", "4", "5"]
    assert [c.query["page"] for c in adapter.calls("GET")] == [["1"], ["2"], ["3"]]


def test_iter_all_stops_at_the_page_cap(make_scripted_zoho, adapter):
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply())
    client = make_scripted_zoho(page_cap=3)
    adapter.add("GET", API + "/customers", sticky=page_reply(1, True, [1]))  # a server that always says "more"
    seen = []
    with pytest.raises(ZohoPageCapReached):
        for customer in client.customers.iter_all(per_page=2):
            seen.append(customer)
    assert len(adapter.calls("GET")) == 3 and len(seen) == 3


def test_iterate_pages_is_lazy():
    fetched = []

    def fetch(n):
        fetched.append(n)
        return Page(items=(n,), page=n, per_page=1, has_more_page=True)

    gen = iterate_pages(fetch, page_cap=10)
    assert next(gen) == 1 and fetched == [1]


@pytest.mark.parametrize("page,per_page", [(0, 10), (1, 0), (1, 201), ("1", 10)])
def test_bad_paging_arguments(scripted_zoho, page, per_page):
    with pytest.raises(ValueError):
        scripted_zoho.customers.list(page=page, per_page=per_page)


def test_page_context_as_array_is_a_bad_response(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers", ok(customers=[], page_context=[{"has_more_page": False}]))
    with pytest.raises(ZohoBadResponse):
        scripted_zoho.customers.list()


def test_list_key_missing_is_a_bad_response(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers", ok(contacts=[]))
    with pytest.raises(ZohoBadResponse, match="no 'customers'"):
        scripted_zoho.customers.list()
