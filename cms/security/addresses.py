"""Who is asking from where: the client's address, and the scheme it used.

Behind a reverse proxy the peer of every request is the proxy, and the
client's address and scheme come in ``X-Forwarded-For`` and
``X-Forwarded-Proto``. Any client can send those headers too, so they are
believed only when the peer is one of ``cms.trusted_proxies`` (addresses or
CIDR networks); from anyone else they are ignored. ``request.client_addr``
is the one place the address is worked out (it replaces WebOb's, which
believes ``X-Forwarded-For`` from anybody); the scheme is set on the
request as it comes in, so that every URL the site writes has it.
"""

from collections.abc import Iterable, Mapping
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)
from typing import Any

from pyramid.config import Configurator
from pyramid.events import NewRequest
from pyramid.request import Request

#: An address or a network, of either IP version.
Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

#: The address of a request whose peer did not say (no ``REMOTE_ADDR``).
UNKNOWN = "unknown"
SCHEMES = ("http", "https")


def parse_networks(
    text: str, setting: str = "cms.trusted_proxies"
) -> tuple[Network, ...]:
    """Return the networks named in *text*: addresses or CIDR networks,
    separated by spaces, commas or lines. A bad one raises ``ValueError``
    naming *setting*."""
    networks: list[Network] = []
    for word in text.replace(",", " ").split():
        try:
            networks.append(ip_network(word, strict=False))
        except ValueError:
            raise ValueError(
                f"{setting}: {word!r} is not an address or a network."
            ) from None
    return tuple(networks)


def _parse(text: str) -> Address | None:
    """Return *text* as an address, or ``None``."""
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def is_within(address: str, networks: Iterable[Network]) -> bool:
    """Whether the address *address* (text) is in one of *networks*."""
    return _trusted(_parse(address), networks)


def client_address(
    remote_addr: str | None, forwarded_for: str | None, networks: Iterable[Network]
) -> str:
    """Return the client's address, as text.

    It is the peer's (*remote_addr*), unless the peer is a trusted proxy:
    then *forwarded_for* is read from its end (each proxy appends the address
    it was called from) past the trusted proxies, to the first address that
    is not one. What lies before it was written by the client: never read.
    """
    peer = _parse(remote_addr or "")
    if peer is None:
        return remote_addr or UNKNOWN
    client = peer
    if forwarded_for and _trusted(peer, networks):
        for hop in reversed(forwarded_for.split(",")):
            address = _parse(hop)
            if address is None:
                break  # garbage: believe nothing further along
            client = address
            if not _trusted(address, networks):
                break
    return str(client)


def request_client_addr(request: Request) -> str:
    """``request.client_addr``: see :func:`client_address`."""
    return client_address(
        request.remote_addr,
        request.headers.get("X-Forwarded-For"),
        request.registry.settings["cms.trusted_proxies"],
    )


def forwarded_scheme(request: Request) -> str | None:
    """The scheme a trusted proxy says the client used, if one says so."""
    return environ_forwarded_scheme(
        request.environ, request.registry.settings["cms.trusted_proxies"]
    )


def environ_forwarded_scheme(
    environ: Mapping[str, Any], networks: Iterable[Network]
) -> str | None:
    """:func:`forwarded_scheme` read from a WSGI environ, before any request."""
    scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").strip().lower()
    if scheme in SCHEMES and _trusted(
        _parse(environ.get("REMOTE_ADDR") or ""), networks
    ):
        return scheme
    return None


def believe_forwarded_scheme(event: NewRequest) -> None:
    """Take the scheme a trusted proxy says the client used (TLS ends there)."""
    scheme = forwarded_scheme(event.request)
    if scheme is not None:
        event.request.environ["wsgi.url_scheme"] = scheme


def includeme(config: Configurator) -> None:
    config.add_request_method(request_client_addr, "client_addr", reify=True)
    config.add_subscriber(believe_forwarded_scheme, NewRequest)
