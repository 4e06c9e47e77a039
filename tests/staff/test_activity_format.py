"""How the Recent activity page shows where a sign-in came from: the IP address with its last part
hidden, and the browser in two words."""
from __future__ import annotations


def test_ip_truncation_and_browser_names():
    from services.activity import browser, truncate_ip

    assert truncate_ip("203.0.113.42") == "203.0.113.x"
    assert truncate_ip("2001:db8:85a3::8a2e:370:7334") == "2001:0db8:85a3::x"
    assert truncate_ip("not an ip") is None and truncate_ip(None) is None
    assert browser("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36") == \
        "Chrome on Windows"
    assert browser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1") == \
        "Safari on iPhone"
    assert browser("curl/8.0") is None
