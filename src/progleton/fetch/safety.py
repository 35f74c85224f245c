"""Which URLs and addresses we are willing to fetch (SSRF protection).

Two checks, both needed:

* ``check_url`` runs before every request and on every redirect hop: only http and
  https, a host present, and a host written as an IP address must be public.
* ``SafeResolver`` runs at connect time inside aiohttp: every address a host name
  resolves to must be public, so a name that resolves to 127.0.0.1 (or starts to,
  as in DNS rebinding) is refused on the very connection that would use it.

``allow_private_addresses`` turns both off (demo and tests); ``allowed_hosts`` lists
host names (or IP literals, as written in the URL) exempt from the address rules.
The exemption is by the URL's host name, never by the address it resolves to.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from ..exceptions import UnsafeURLError
from ..settings import Settings

ALLOWED_SCHEMES = frozenset({"http", "https"})
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class AddressPolicy:
    """What the fetcher may connect to, taken from the settings."""

    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> AddressPolicy:
        """Build the policy from ``allow_private_addresses`` and ``allowed_hosts``."""
        return cls(
            allow_private=bool(settings.allow_private_addresses),
            allowed_hosts=settings.allowed_host_set,
        )

    def exempts(self, host: str) -> bool:
        """True when ``host`` may resolve to any address."""
        return self.allow_private or _normal_host(host) in self.allowed_hosts


def _normal_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def address_refusal(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded)
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (
            isinstance(address, ipaddress.IPv4Address) and address in _CGNAT,
            "a carrier-grade NAT address",
        ),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


def _parse_ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _looks_numeric(host: str) -> bool:
    """Legacy IPv4 spellings (``2130706433``, ``0x7f.1``, ``127.1``) that sockets accept."""
    parts = host.rstrip(".").split(".")
    return all(p.isdigit() or p.lower().startswith("0x") for p in parts if p)


def check_url(url: str | URL, policy: AddressPolicy) -> URL:
    """Return ``url`` parsed when it may be fetched; raise UnsafeURLError otherwise.

    Checks the scheme and any IP literal host; host names are checked at connect
    time by ``SafeResolver``.
    """
    try:
        parsed = url if isinstance(url, URL) else URL(url)
        host = parsed.raw_host
    except (ValueError, TypeError) as exc:
        raise UnsafeURLError(f"{url!s} is not a valid URL ({exc}).") from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(
            f"Refusing {url!s}: only http and https URLs can be fetched"
            + (f", not {parsed.scheme}:." if parsed.scheme else " (this one has no scheme).")
        )
    if not host:
        raise UnsafeURLError(f"Refusing {url!s}: the URL has no host.")
    if policy.exempts(host):
        return parsed
    address = _parse_ip_literal(host)
    if address is None:
        if _looks_numeric(host):
            raise UnsafeURLError(
                f"Refusing {url!s}: {host} is an IP address written in a short or numeric form "
                "(such as 2130706433 or 127.1), which is how addresses are disguised. Write it as "
                "four numbers (such as 192.0.2.1), or use the site's name.")
        if _normal_host(host) == "localhost" or _normal_host(host).endswith(".localhost"):
            raise UnsafeURLError(_refusal_message(str(url), host, "a loopback host name"))
        return parsed
    reason = address_refusal(address)
    if reason is not None:
        raise UnsafeURLError(_refusal_message(str(url), host, reason))
    return parsed


def _refusal_message(url: str, host: str, reason: str) -> str:
    # A public feed or page that leads here (a redirect to 169.254.169.254, the cloud's
    # metadata service) is an attack on the machine Progleton runs on, not a setting to change:
    # the advice is only for a server the user runs on their own network.
    return (
        f"Refusing {url}: {host} is {reason}, and Progleton only fetches public addresses, to keep "
        "feeds from reaching into the network it runs on. If this is a server of your own on that "
        "network, add its host to allowed_hosts (or set allow_private_addresses)."
    )


class UnsafeAddress(OSError):
    """Raised inside aiohttp's connector; the fetcher turns it into UnsafeURLError.

    An OSError so that aiohttp wraps it as a DNS error instead of crashing the
    connector's resolve task; the fetcher unwraps it.
    """


class SafeResolver(AbstractResolver):
    """A resolver that drops every non-public address a host name resolves to.

    If nothing public is left the connection is refused with ``UnsafeAddress``.
    Because aiohttp asks the resolver on every new connection, a host that
    changes its answer between checks (DNS rebinding) is still refused.
    """

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner or aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` and return only the addresses the policy allows."""
        results = await self._inner.resolve(host, port, family)
        if self._policy.exempts(host):
            return results
        allowed, reasons = [], []
        for result in results:
            address = _parse_ip_literal(result["host"])
            reason = "not an IP address" if address is None else address_refusal(address)
            if reason is None:
                allowed.append(result)
            else:
                reasons.append(f"{result['host']} ({reason})")
        if not allowed:
            raise UnsafeAddress(
                f"{host} resolves only to addresses Progleton does not fetch: "
                f"{', '.join(reasons)}. Set allow_private_addresses or add {host} to "
                "allowed_hosts to allow it."
            )
        return allowed

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()


def make_connector(
    settings: Settings, resolver: AbstractResolver | None = None
) -> aiohttp.TCPConnector:
    """A pooled TCP connector whose name resolution enforces the address policy."""
    return aiohttp.TCPConnector(
        resolver=SafeResolver(AddressPolicy.from_settings(settings), resolver),
        limit=max(1, int(settings.concurrency)) * 2,
        limit_per_host=0,
        ttl_dns_cache=10,
        enable_cleanup_closed=False,
    )
