"""Whatever JSON Zoho sends, a model either parses it or raises ZohoBadResponse — never anything else."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoho_client import ZohoBadResponse, models

MODELS = [models.Customer, models.Subscription, models.Invoice, models.Payment, models.CreditNote, models.Plan,
          models.Addon, models.Coupon, models.Product, models.Card, models.ContactPerson, models.Organization,
          models.Transaction, models.HostedPage, models.Event, models.ChurnSettings, models.UnusedCredit]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
                    st.sampled_from(["", " ", "2024-03-12", "2024-03-12T08:40:00+0800", "12.50", "USD", "-1"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=8)


def field_names(model):
    names = set(model.__dataclass_fields__)
    return sorted(names | {"currency_code", "invoice_items", "creditnote_items", "price", "amount", "payload", "data",
                           "number", "date", "invoice_date", "last_four_digits", "churn_messages"})


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_json_parses_or_raises_bad_response(model, data):
    keys = st.sampled_from(field_names(model))
    payload = data.draw(st.dictionaries(keys, json_values, max_size=8))
    try:
        model.from_api(payload)
    except ZohoBadResponse:
        pass
