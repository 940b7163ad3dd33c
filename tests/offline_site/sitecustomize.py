"""Imported by every Python process a test starts with this folder on PYTHONPATH: a connection
to anything but loopback or a Unix socket, or a name lookup of another host, is appended to the
file named by NETWORK_LOG and refused. See tests/test_offline.py."""

import ipaddress
import json
import os
import socket

_LOG = os.environ["NETWORK_LOG"]
_LOCAL_NAMES = {None, "", "localhost", "ip6-localhost", socket.gethostname()}


def _record(kind, target):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({"pid": os.getpid(), "kind": kind, "target": repr(target)}) + "\n")


def _loopback(host):
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
        _record("connect", address)
        raise OSError(101, "Network is unreachable (refused by the offline test)")


_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect,
    socket.socket.connect_ex,
    socket.getaddrinfo,
)


def connect(self, address):
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if not _loopback(name):
        _record("lookup", name)
        raise socket.gaierror(socket.EAI_NONAME, "lookup refused by the offline test")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
    connect,
    connect_ex,
    getaddrinfo,
)
