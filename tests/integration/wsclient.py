"""A small RFC 6455 WebSocket client (Python stdlib only) for the push stream tests: the
opening handshake with any headers, masked text frames out, text/ping/close frames in."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class HandshakeError(Exception):
    def __init__(self, status: int, body: str):
        super().__init__(f"handshake refused: {status} {body[:200]}")
        self.status = status
        self.body = body


class Closed(Exception):
    pass


class WebSocket:
    def __init__(self, host: str, port: int, path: str, headers: dict | None = None,
                 tls: bool = False, timeout: float = 10.0):
        raw = socket.create_connection((host, port), timeout=timeout)
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            raw = ctx.wrap_socket(raw, server_hostname=host)
        self.sock = raw
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        hdrs = {}
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        if status != 101:
            length = int(hdrs.get("content-length", "0"))
            body = self._read_exact(length).decode("utf-8", "replace") if length else ""
            self.sock.close()
            raise HandshakeError(status, body)
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if hdrs.get("sec-websocket-accept") != accept:
            raise HandshakeError(status, "bad Sec-WebSocket-Accept")
        self.closed = False

    # ---- low level
    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed("connection closed during handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(marker, 1)
        return head

    def _read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _recv_frame(self):
        b0, b1 = self._read_exact(2)
        opcode = b0 & 0x0F
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read_exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read_exact(8))[0]
        if b1 & 0x80:
            mask = self._read_exact(4)
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read_exact(n)))
        else:
            data = self._read_exact(n)
        return opcode, data

    # ---- API
    def send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode())

    def send_json(self, obj) -> None:
        self.send_text(json.dumps(obj))

    def recv(self, timeout: float = 10.0):
        """The next text frame as parsed JSON; None on timeout; raises Closed on close."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                opcode, data = self._recv_frame()
            except (socket.timeout, TimeoutError):
                return None
            if opcode == 0x1:
                return json.loads(data.decode())
            if opcode == 0x9:  # ping
                self._send_frame(0xA, data)
            elif opcode == 0x8:
                self.closed = True
                code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
                raise Closed(f"closed by server: {code} {data[2:].decode('utf-8', 'replace')}")

    def recv_all(self, quiet: float = 0.5, limit: int = 10000) -> list:
        """Every frame until none arrives for `quiet` seconds."""
        out = []
        while len(out) < limit:
            f = self.recv(timeout=quiet)
            if f is None:
                break
            out.append(f)
        return out

    def close(self) -> None:
        if not self.closed:
            try:
                self._send_frame(0x8, struct.pack("!H", 1000))
            except OSError:
                pass
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass
