"""Whose address a request is: the peer's, or a trusted proxy's client's."""

import pytest

from cms.security.addresses import UNKNOWN, client_address, parse_networks
from cms.settings import load_settings

PROXIES = parse_networks("10.0.0.0/8, 192.168.1.5 2001:db8::/32")


def test_networks_and_addresses_are_read():
    assert [str(network) for network in PROXIES] == [
        "10.0.0.0/8",
        "192.168.1.5/32",
        "2001:db8::/32",
    ]
    assert parse_networks("") == ()
    assert parse_networks(" 10.1.2.3/8\n::1 ") == parse_networks("10.0.0.0/8, ::1")


@pytest.mark.parametrize("text", ["10.0.0.0/33", "proxy.example", "10.0.0.1-10.0.0.9"])
def test_a_bad_network_is_refused_at_start_up(text):
    with pytest.raises(ValueError, match=r"cms\.trusted_proxies"):
        load_settings(
            {
                "sqlalchemy.url": "sqlite://",
                "cms.secret": "s" * 40,
                "cms.blob_dir": "blobs",
                "cms.trusted_proxies": text,
            },
            environ={},
        )


def test_the_setting_may_come_from_the_environment():
    settings = load_settings(
        {"sqlalchemy.url": "sqlite://", "cms.secret": "s" * 40, "cms.blob_dir": "b"},
        environ={"CMS_TRUSTED_PROXIES": "10.0.0.0/8"},
    )
    assert [str(network) for network in settings["cms.trusted_proxies"]] == [
        "10.0.0.0/8"
    ]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # No proxy in between: the header is the client's own word.
        ("203.0.113.9", "192.0.2.1", "203.0.113.9"),
        ("203.0.113.9", None, "203.0.113.9"),
        # A trusted proxy appended the address it was called from.
        ("10.0.0.5", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.5", " 192.0.2.1 ", "192.0.2.1"),
        # What the client wrote before that is not believed.
        ("10.0.0.5", "1.2.3.4, 192.0.2.1", "192.0.2.1"),
        # A chain of trusted proxies is walked back to the client.
        ("10.0.0.5", "1.2.3.4, 192.0.2.1, 192.168.1.5, 10.9.9.9", "192.0.2.1"),
        # Only trusted proxies: the farthest one.
        ("10.0.0.5", "10.1.1.1, 10.2.2.2", "10.1.1.1"),
        # Garbage stops the walk at the last address believed.
        ("10.0.0.5", "192.0.2.1, not-an-address", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "192.0.2.1, 10.1.1.1, unknown", "10.0.0.5"),
        ("10.0.0.5", "garbage, 192.0.2.1", "192.0.2.1"),
        # IPv6, and IPv4 peers of a dual-stack socket.
        ("2001:db8::1", "2001:db9::7", "2001:db9::7"),
        ("::ffff:10.0.0.5", "192.0.2.1", "192.0.2.1"),
        ("::ffff:203.0.113.9", "192.0.2.1", "203.0.113.9"),
        # A peer that is no address at all.
        (None, "192.0.2.1", UNKNOWN),
        ("", None, UNKNOWN),
    ],
)
def test_client_address(peer, forwarded_for, client):
    assert client_address(peer, forwarded_for, PROXIES) == client


def test_nothing_is_believed_without_trusted_proxies():
    assert client_address("10.0.0.5", "192.0.2.1", ()) == "10.0.0.5"
