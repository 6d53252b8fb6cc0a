"""Outbound HTTP to addresses that people other than the operator write (links in posts, a
site owner's webhook), so that the site cannot be used to probe its own network.

The host is resolved once and *every* address it resolves to is checked with `ipaddress`; a
private, loopback, link-local, multicast, reserved or unspecified address is refused unless
the caller allows private addresses or names the network (a test's loopback server, an
intranet). The connection then goes to the address that was checked, never to a second
resolution: a host that answers the check with a public address and the connection with a
private one (DNS rebinding) reaches nothing. Used by the link checker and by webhooks.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import SplitResult


class Refused(Exception):
    """The address is not one the site may contact."""


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
    )


def vetted_address(host: str, port: int, allow_private: bool, networks: tuple = ()) -> str:
    """The address to connect to, after checking every address the host resolves to; the
    `networks` are allowed even when private (a test's loopback server)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ConnectionError(f"{host} cannot be resolved ({error})") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise ConnectionError(f"{host} cannot be resolved")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not address_allowed(address) and not any(ip in net for net in networks):
                raise Refused(f"{host} resolves to a private or local address ({address})")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def pinned_connection(
    parts: SplitResult, timeout: float, allow_private: bool, networks: tuple = ()
) -> http.client.HTTPConnection:
    """A connection (not yet opened) to the vetted address of an http(s) URL's host; the
    certificate is still checked against the host's name. Raises Refused or ConnectionError."""
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("not an http or https URL")
    port = default_port(parts)
    address = vetted_address(parts.hostname, port, allow_private, networks)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    return kind(parts.hostname, port, address, timeout)


def request_target(parts: SplitResult) -> str:
    """The path and query a request line names."""
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
