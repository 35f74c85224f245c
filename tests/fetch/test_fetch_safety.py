"""SSRF protection: schemes, address classes, redirects, and names resolved at connect time."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from fetch_servers import FEED, LocalServer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from progleton.exceptions import UnsafeURLError
from progleton.fetch import AddressPolicy, Fetcher, FetchResult, address_refusal, check_url
from progleton.fetch.safety import SafeResolver, UnsafeAddress
from progleton.settings import Settings

STRICT = AddressPolicy()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "gopher://example.com:70/",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "feed://example.com/rss",
        "example.com/feed",
        "http:///nohost",
    ],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url, AddressPolicy(allow_private=True))


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.9.9.9",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "192.0.2.1",
        "[::1]",
        "[::]",
        "[fe80::1]",
        "[fc00::1]",
        "[fd12:3456::1]",
        "[ff02::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[::ffff:10.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::1]",
        "[2001:db8::1]",
        "localhost",
        "LOCALHOST.",
        "api.localhost",
        "2130706433",
        "0x7f.1",
        "127.1",
        "017700000001",
    ],
)
def test_private_and_special_hosts_refused(host: str) -> None:
    with pytest.raises(UnsafeURLError, match="Refusing"):
        check_url(f"http://{host}/feed", STRICT)


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/feed",
        "https://[2606:4700:4700::1111]/",
        "https://example.com/feed?x=1",
    ],
)
def test_public_urls_pass(url: str) -> None:
    assert str(check_url(url, STRICT)) == url


def test_allow_list_is_by_host_name() -> None:
    policy = AddressPolicy(allowed_hosts=frozenset({"127.0.0.1", "intranet.example"}))
    check_url("http://127.0.0.1:8080/feed", policy)
    check_url("http://INTRANET.example./feed", policy)
    for url in ("http://localhost:8080/feed", "http://[::1]/", "http://127.0.0.2/"):
        with pytest.raises(UnsafeURLError):
            check_url(url, policy)


def test_allow_private_allows_loopback() -> None:
    check_url("http://localhost:8000/", AddressPolicy(allow_private=True))


def test_refusal_message_says_why_and_how_to_allow_a_server_of_ones_own() -> None:
    # a public feed redirecting here is an attack, not a setting to change: the advice is only
    # for a server the user runs on that network
    with pytest.raises(UnsafeURLError, match=r"keep feeds from reaching into the network it runs on\. "
                       r"If this is a server of your own on that network, add its host to allowed_hosts"):
        check_url("http://10.1.2.3/", STRICT)
    with pytest.raises(UnsafeURLError, match=r"short or numeric form .* Write it as four numbers"):
        check_url("http://2130706433/", STRICT)


_PRIVATE_V4 = st.sampled_from(
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "100.64.0.0/10",
    ]
).map(ipaddress.IPv4Network)


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=_PRIVATE_V4, offset=st.integers(min_value=0))
def test_every_private_ipv4_refused_also_when_mapped(
    network: ipaddress.IPv4Network, offset: int
) -> None:
    address = network[offset % network.num_addresses]
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert address_refusal(address) is not None
    assert address_refusal(mapped) is not None


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.ip_addresses(v=4))
def test_refusal_matches_is_global(address: ipaddress.IPv4Address) -> None:
    if address_refusal(address) is None:
        assert address.is_global and not address.is_multicast


class FakeDNS(AbstractResolver):
    """Answers from a fixed table, as a hostile or rebinding DNS server would."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return [
            ResolveResult(
                hostname=host, host=ip, port=port, family=socket.AF_INET, proto=0, flags=0
            )
            for ip in self.table[host]
        ]

    async def close(self) -> None:
        return None


def test_resolver_drops_private_answers_and_keeps_public_ones() -> None:
    dns = FakeDNS({"mixed.example": ["127.0.0.1", "93.184.216.34"], "evil.example": ["10.0.0.1"]})
    resolver = SafeResolver(STRICT, dns)
    public = asyncio.run(resolver.resolve("mixed.example", 80))
    assert [r["host"] for r in public] == ["93.184.216.34"]
    with pytest.raises(UnsafeAddress, match=r"10\.0\.0\.1"):
        asyncio.run(resolver.resolve("evil.example", 80))


def _fetch(settings: Settings, url: str, dns: AbstractResolver | None = None) -> FetchResult:
    async def main() -> FetchResult:
        async with Fetcher(settings, resolver=dns) as fetcher:
            return await fetcher.fetch_feed(url)

    return asyncio.run(main())


def test_name_resolving_to_loopback_refused_at_connect_time(hostile: LocalServer) -> None:
    """A public-looking name whose DNS answer is 127.0.0.1 (DNS rebinding) is refused."""
    dns = FakeDNS({"news.example": ["127.0.0.1"]})
    url = f"http://news.example:{hostile.port}/feed"
    with pytest.raises(UnsafeURLError, match=r"news.example resolves only to .*127.0.0.1"):
        _fetch(Settings(), url, dns)
    allowed = Settings().replace(allowed_hosts="news.example")
    assert _fetch(allowed, url, dns).body == FEED


@pytest.mark.parametrize(
    "target",
    [
        "http://localhost:{port}/feed",
        "http://[::1]:{port}/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2:{port}/feed",
        "http://[::ffff:127.0.0.1]:{port}/feed",
        "http://rebound.example:{port}/feed",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
    ],
)
def test_redirects_to_private_addresses_refused(hostile: LocalServer, target: str) -> None:
    """The first hop (127.0.0.1) is allow-listed by name; where it redirects is not."""
    guarded = Settings().replace(allowed_hosts="127.0.0.1")
    dns = FakeDNS({"rebound.example": ["127.0.0.1"]})
    location = target.format(port=hostile.port)
    assert _fetch(guarded, hostile.url("/feed"), dns).body == FEED
    before = len(hostile.requests)
    with pytest.raises(UnsafeURLError, match="Refusing"):
        _fetch(guarded, hostile.url(f"/redirect?to={location}"), dns)
    assert len(hostile.requests) == before + 1, "the redirect target must never be requested"


def test_private_address_refused_without_any_request(hostile: LocalServer) -> None:
    before = len(hostile.requests)
    with pytest.raises(UnsafeURLError):
        _fetch(Settings(), hostile.url("/feed"))
    assert len(hostile.requests) == before
