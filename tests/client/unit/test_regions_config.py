import pytest

from zoho_client import DATA_CENTRES, ZohoConfig, data_centre


def test_every_data_centre_pairs_its_api_host_with_its_accounts_server():
    expected = {
        "us": ("https://www.zohoapis.com/billing/v1", "https://accounts.zoho.com"),
        "eu": ("https://www.zohoapis.eu/billing/v1", "https://accounts.zoho.eu"),
        "in": ("https://www.zohoapis.in/billing/v1", "https://accounts.zoho.in"),
        "au": ("https://www.zohoapis.com.au/billing/v1", "https://accounts.zoho.com.au"),
        "jp": ("https://www.zohoapis.jp/billing/v1", "https://accounts.zoho.jp"),
        "ca": ("https://www.zohoapis.ca/billing/v1", "https://accounts.zohocloud.ca"),
        "cn": ("https://www.zohoapis.com.cn/billing/v1", "https://accounts.zoho.com.cn"),
        "sa": ("https://www.zohoapis.sa/billing/v1", "https://accounts.zoho.sa"),
    }
    assert {code: (dc.api_base, dc.accounts_url) for code, dc in DATA_CENTRES.items()} == expected


def test_canada_uses_zohocloud_for_oauth():
    assert data_centre("CA").accounts_url == "https://accounts.zohocloud.ca"


def test_unknown_data_centre_is_refused():
    with pytest.raises(ValueError, match="unknown Zoho data centre"):
        data_centre("mars")


def test_config_for_data_centre_and_defaults():
    cfg = ZohoConfig.for_data_centre("eu", client_id="c", client_secret="s", refresh_token="r", organization_id="1")
    assert cfg.api_base == "https://www.zohoapis.eu/billing/v1"
    assert cfg.accounts_url == "https://accounts.zoho.eu"
    assert (cfg.connect_timeout, cfg.read_timeout, cfg.max_retries) == (3.05, 10, 2)
    assert (cfg.backoff_base, cfg.backoff_cap, cfg.retry_after_cap) == (0.25, 2.0, 5.0)
    assert (cfg.total_deadline, cfg.page_cap) == (12.0, 50)


def test_config_repr_hides_secrets():
    cfg = ZohoConfig.for_data_centre("us", client_id="c", client_secret="TOPSECRET", refresh_token="REFRESHME",
                                     organization_id="1")
    assert "TOPSECRET" not in repr(cfg) and "REFRESHME" not in repr(cfg)


@pytest.mark.parametrize("field,value", [
    ("api_base", "www.zohoapis.com/billing/v1"),
    ("api_base", "https://x/billing/v1?org=1"),
    ("refresh_token", ""),
    ("organization_id", "  "),
    ("read_timeout", 0),
    ("page_cap", 0),
    ("max_retries", -1),
])
def test_config_rejects_bad_values(field, value):
    fields = dict(api_base="https://x/billing/v1", accounts_url="https://a", client_id="c", client_secret="s",
                  refresh_token="r", organization_id="1")
    fields[field] = value
    with pytest.raises(ValueError):
        ZohoConfig(**fields)


def test_trailing_slash_is_trimmed():
    cfg = ZohoConfig(api_base="https://x/billing/v1/", accounts_url="https://a/", client_id="c", client_secret="s",
                     refresh_token="r", organization_id="1")
    assert cfg.api_base == "https://x/billing/v1" and cfg.accounts_url == "https://a"
