"""A lean IMAP client for the load generators: one TLS socket, commands written whole, responses split on CRLF with
literals read by their announced length. It does what imaplib does for the benchmark's commands at a fraction of the
client CPU (imaplib reads line by line through a file object and matches every line against several regular
expressions), so that on a 2-core machine the load generator takes less of the CPU the servers are measured on. It
checks nothing itself: callers get every untagged response and the tagged one and decide what is an error."""
import socket
import ssl


class ImapError(Exception):
    """The connection ended, or the server answered something that is not IMAP."""


class ImapWire:
    def __init__(self, port, host="127.0.0.1", timeout=30):
        context = ssl._create_unverified_context()
        raw = socket.create_connection((host, port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = context.wrap_socket(raw)
        self.buf = b""
        self.pos = 0
        self.tag = 0
        greeting = self._line()
        if not greeting.startswith(b"* OK"):
            raise ImapError(f"greeting: {greeting!r}")

    def _fill(self):
        data = self.sock.recv(32768)
        if not data:
            raise ImapError("connection closed by the server")
        self.buf = self.buf[self.pos:] + data
        self.pos = 0

    def _line(self):
        """The next line without its CRLF."""
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                line = self.buf[self.pos:end]
                self.pos = end + 2
                return line
            self._fill()

    def _bytes(self, n):
        while len(self.buf) - self.pos < n:
            self._fill()
        data = self.buf[self.pos:self.pos + n]
        self.pos += n
        return data

    def _response(self):
        """One response: a line, with each literal it announces ({n} at the end of a line) read and joined in."""
        parts = [self._line()]
        while parts[-1].endswith(b"}"):
            start = parts[-1].rfind(b"{")
            if start < 0:
                break
            size = parts[-1][start + 1:-1].rstrip(b"+")
            if not size.isdigit():
                break
            parts.append(self._bytes(int(size)))
            parts.append(self._line())
        return b"".join(parts) if len(parts) > 1 else parts[0]

    def command(self, text, literal=None):
        """Sends TAG text (and, with literal, a synchronizing literal after text), returns (untagged responses,
        tagged response) with the tag stripped from the latter: b"OK ...", b"NO ..." or b"BAD ..."."""
        self.tag += 1
        tag = b"W%d " % self.tag
        untagged = []
        if literal is None:
            self.sock.sendall(tag + text + b"\r\n")
        else:
            self.sock.sendall(tag + text + b" {%d}\r\n" % len(literal))
            while True:
                r = self._response()
                if r.startswith(b"+"):
                    break
                if r.startswith(tag):
                    return untagged, r[len(tag):]
                untagged.append(r)
            self.sock.sendall(literal + b"\r\n")
        while True:
            r = self._response()
            if r.startswith(tag):
                return untagged, r[len(tag):]
            if not r.startswith(b"* ") and not r.startswith(b"+"):
                raise ImapError(f"not a response: {r[:80]!r}")
            untagged.append(r)

    def close(self):
        try:
            self.command(b"LOGOUT")
        except (OSError, ImapError):
            pass
        self.sock.close()
