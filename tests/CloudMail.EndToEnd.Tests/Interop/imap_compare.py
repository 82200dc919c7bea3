"""Appends the same messages to a mailbox on two IMAP servers and compares their answers to the same commands.

    imap_compare.py CLOUDMAIL_HOST CLOUDMAIL_PORT DOVECOT_HOST DOVECOT_PORT USER PASSWORD

CloudMail is reached over implicit TLS, Dovecot in plain text (loopback). Every message is appended with the same
flags and internal date; then FETCH (ENVELOPE, BODY, BODYSTRUCTURE, sizes, body sections, BINARY.SIZE), SEARCH, SORT
and THREAD run on both. Answers are compared after a normalisation that removes what RFC 3501 leaves to the server:
case (atoms, the case of MIME types and parameter names), an empty section as "" or as a literal {0}, and the text of
the tagged reply, a literal where a quoted string would do. Prints each difference and exits 1 when there is one.

The messages and commands are the ones where the two servers are expected to agree. Where CloudMail answers otherwise
on purpose, the case is left out here: RFC 2231 parameters decoded into RFC 2047 words, a headers-only message's
HEADER.FIELDS without the blank line it never had (RFC 3501 §6.4.5), BODY and TEXT searching HTML as the text a reader
sees, SENT* on an unparseable Date matching nothing, BINARY of a multipart (CloudMail: its bytes as stored), and a
sequence range whose "*" end is below its other end (RFC 3501 §9: "19:*" with 18 messages is 18:19, which holds 18;
Dovecot answers nothing).
"""
import difflib
import re
import socket
import ssl
import sys


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


B64 = "SGVsbG8gd29ybGQhIFRoaXMgaXMgYW4gYXR0YWNobWVudC4K\nSGVsbG8gd29ybGQhIFRoaXMgaXMgYW4gYXR0YWNobWVudC4K\n"
MESSAGES = [crlf(m) for m in [
"""From: Alice Example <alice@example.com>
To: Bob <bob@example.org>, carol@example.net
Cc: "Dave, Jr." <dave@example.com>
Subject: Plain message
Date: Mon, 02 Nov 2026 10:00:00 +0100
Message-ID: <plain1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello Bob,
this is a plain message.
""",
"""From: nobody@example.com
Subject: no content type
Date: 3 Nov 2026 11:00 -0500

Body without MIME headers.
Second line.""",
"""From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@example.de>
To: undisclosed-recipients:;
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?= and more
Date: Tue, 03 Nov 2026 12:00:00 +0000
Message-ID: <enc1@example.de>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

preamble text
--alt
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Gr=FC=DFe aus M=FCnchen, sch=F6n.
--alt
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

PGh0bWw+PGJvZHk+PHA+R3LDvMOfZSBhdXMgTcO8bmNoZW48L3A+PC9ib2R5PjwvaHRtbD4K
--alt--
epilogue
""",
"""From: "Eve (the sender)" <eve@example.com>
To: Friends: frank@example.com, "Grace H." <grace@example.com>;, henry@example.org
Cc: <  ivan @ example.com  >, judy@example.com (Judy
 Jones)
Reply-To: replies@example.com
Sender: secretary@example.com
Subject: Re: Fwd: [list] Re: Group addresses
Date: Wed, 04 Nov 2026 09:15:00 -0800
Message-ID: <group1@example.com>
In-Reply-To: <plain1@example.com>
References: <plain1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain

See attached.
--mix
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"; size=96
Content-Transfer-Encoding: base64
Content-Description: The report
Content-ID: <part2@example.com>

""" + B64 + """--mix
Content-Type: application/octet-stream; name="rates.txt"
Content-Disposition: attachment; filename="rates.txt"
Content-Language: en, de
Content-Location: http://example.com/rates.txt
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

raw bytes here
--mix--
""",
"""From: Mallory <mallory@example.com>
To: bob@example.org
Subject: Fwd: a forwarded message
Date: Thu, 05 Nov 2026 08:00:00 +0200
Message-ID: <fwd1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: text/plain; charset=us-ascii

Forwarding this.

--outer
Content-Type: message/rfc822
Content-Disposition: inline

From: Original <orig@example.net>
To: mallory@example.com
Subject: The original
Date: Wed, 04 Nov 2026 07:00:00 +0000
Message-ID: <orig@example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain

original text
--inner
Content-Type: text/html

<p>original html</p>
--inner--

--outer--
""",
"""From: Peggy <peggy@example.com>
To: bob@example.org
Subject: missing end boundary
Date: Fri, 06 Nov 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="never"

--never
Content-Type: text/plain

part one
--never
Content-Type: text/plain

part two, no terminator
""",
"""From: Trent <trent@example.com>
To: bob@example.org
Subject: boundary never appears
Date: Fri, 06 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="absent"

just text, no parts at all
""",
"""From: Victor <victor@example.com>
To: bob@example.org
Subject: digest
Date: Sat, 07 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/digest; boundary="dig"

--dig

From: a@example.com
Subject: first in digest

first body
--dig
Content-Type: text/plain

not a message
--dig--
""",
"""From: Walter <walter@example.com>
To: bob@example.org
Subject: headers only
Date: Sun, 08 Nov 2026 10:00:00 +0000""",
"""From: Xavier <xavier@example.com>
To: bob@example.org
Subject: 8bit body
Date: Mon, 09 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes
Content-Transfer-Encoding: 8bit

Grüße, naïve café — 8 bit text.
""",
"""From: Yolanda <yolanda@example.com>
To: bob@example.org
Subject: empty body
Date: Tue, 10 Nov 2026 09:00:00 +0000
Message-ID: not-in-brackets@example.com
MIME-Version: 1.0
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; Name="x.txt"

""",
"""From: zed@example.com
To: bob@example.org
Subject: a very long subject line that goes on and on and on and on and on and on and on and on
 and is folded onto a second line
Date: Tue, 10 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Body.
""",
"""From: Quentin <q@example.com>
To: "bob@example.org" <bob@example.org>, <@route1,@route2:routed@example.org>
Subject: Re: Re: RE: Plain message
Date: Wed, 11 Nov 2026 10:00:00 +0000
Message-ID: <reply2@example.com>
In-Reply-To: <group1@example.com>
References: <plain1@example.com> <group1@example.com>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"; type="text/html"

--rel
Content-Type: text/html; charset=us-ascii

<img src="cid:img1">
--rel
Content-Type: image/png
Content-ID: <img1>
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--rel--
""",
"""From: Alice Example <alice@example.com>
To: bob@example.org
Subject: nested multiparts
Date: Thu, 12 Nov 2026 12:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="a"

--a
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain

plain
--b
Content-Type: multipart/related; boundary="c"

--c
Content-Type: text/html

<b>html</b>
--c
Content-Type: image/gif
Content-Transfer-Encoding: base64

R0lGODlhAQABAAAAACw=
--c--
--b--
--a
Content-Type: message/rfc822

Subject: inner without from

inner body
--a--
""",
"""Subject: no from at all
To: bob@example.org
Date: Fri, 13 Nov 2026 10:00:00 +0000

no from
""",
"""From: Alice Example <alice@example.com>
To: bob@example.org
Subject: =?ISO-8859-1?Q?caf=E9?= =?ISO-8859-1?Q?_cr=E8me?=
Date: Sat, 14 Nov 2026 10:00:00 +0000
Content-Type: text/plain; charset="windows-1252"
Content-Transfer-Encoding: quoted-printable

Caf=E9 cr=E8me br=FBl=E9e =E2=82=AC soft=
 break
""",
"""From: Alice Example <alice@example.com>
To: bob@example.org
Subject: message/rfc822 with plain body
Date: Sun, 15 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: message/rfc822

From: Inner <inner@example.com>
Subject: inner subject
Date: Sun, 15 Nov 2026 09:00:00 +0000

line 1
line 2
line 3
""",
"""From: Alice Example <alice@example.com>
To: bob@example.org
Subject: parameters galore
Date: Mon, 16 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii; foo="bar baz"; EMPTY=""; x*0="part"; x*1="two"
Content-Disposition: inline; filename=readme.txt; creation-date="Mon, 16 Nov 2026 10:00:00 +0000"

params
""",
]]

COMMANDS = [
    "FETCH 1:* (ENVELOPE)",
    "FETCH 1:* (BODYSTRUCTURE)",
    "FETCH 1:* (BODY)",
    "FETCH 1:* (RFC822.SIZE INTERNALDATE FLAGS)",
    "FETCH 1:* (BODY.PEEK[HEADER])",
    "FETCH 1:* (BODY.PEEK[TEXT])",
    "FETCH 1:* (BODY.PEEK[1.MIME])",
    "FETCH 1:* (BODY.PEEK[2])",
    "FETCH 1:* (BODY.PEEK[2.MIME])",
    "FETCH 1:* (BODY.PEEK[2.HEADER])",
    "FETCH 1:* (BODY.PEEK[2.TEXT])",
    "FETCH 1:* (BODY.PEEK[2.1])",
    "FETCH 1:* (BODY.PEEK[1.2.2])",
    "FETCH 1:* (BODY.PEEK[]<0.20>)",
    "FETCH 1:* (BODY.PEEK[1]<5.10>)",
    "FETCH 1:8 (BODY.PEEK[HEADER.FIELDS (From Subject X-None)])",
    "FETCH 1:8 (BODY.PEEK[HEADER.FIELDS.NOT (From Subject Received)])",
    "FETCH 1:13,15:* (BINARY.SIZE[1])",
    "FETCH 1:* (BINARY.SIZE[2])",
    "FETCH 1:* (RFC822.HEADER)",
    "SEARCH FROM alice",
    "SEARCH FROM \"Alice Example\"",
    "SEARCH FROM example.com",
    "SEARCH FROM juergen",
    "SEARCH CHARSET UTF-8 FROM \"Jürgen\"",
    "SEARCH TO bob",
    "SEARCH TO undisclosed",
    "SEARCH TO grace",
    "SEARCH TO \"Grace H.\"",
    "SEARCH CC ivan@example.com",
    "SEARCH CC \"Judy Jones\"",
    "SEARCH TO routed",
    "SEARCH SUBJECT plain",
    "SEARCH SUBJECT \"re: plain\"",
    "SEARCH CHARSET UTF-8 SUBJECT grüße",
    "SEARCH CHARSET UTF-8 SUBJECT \"café crème\"",
    "SEARCH SUBJECT \"on and is folded\"",
    "SEARCH HEADER Message-ID plain1",
    "SEARCH HEADER X-None \"\"",
    "SEARCH HEADER Content-Type multipart",
    "SEARCH HEADER References group1",
    "SEARCH BODY attachment",
    "SEARCH BODY original",
    "SEARCH BODY \"inner body\"",
    "SEARCH BODY \"line 2\"",
    "SEARCH TEXT \"inner subject\"",
    "SEARCH TEXT alice",
    "SEARCH BODY Content-Type",
    "SEARCH TEXT Content-Type",
    "SEARCH CHARSET UTF-8 BODY \"München\"",
    "SEARCH CHARSET UTF-8 BODY \"crème brûlée\"",
    "SEARCH CHARSET UTF-8 BODY \"soft break\"",
    "SEARCH CHARSET UTF-8 TEXT \"naïve\"",
    "SEARCH BODY \"raw bytes\"",
    "SEARCH BODY preamble",
    "SEARCH BODY \"no terminator\"",
    "SEARCH BODY \"just text\"",
    "SEARCH BODY \"first body\"",
    "SEARCH LARGER 500 SMALLER 900",
    "SEARCH SENTBEFORE 5-Nov-2026",
    "SEARCH SENTON 3-Nov-2026",
    "SEARCH SENTSINCE 10-Nov-2026",
    "SEARCH BEFORE 15-Nov-2026",
    "SEARCH ON 12-Nov-2026",
    "SEARCH NOT FROM alice",
    "SEARCH OR FROM alice TO bob",
    "SEARCH 2:4,17:* NOT 3",
    "UID SEARCH UID 5:7",
    "SEARCH SEEN UNFLAGGED",
    "SORT (SUBJECT) UTF-8 ALL",
    "SORT (REVERSE SUBJECT) UTF-8 ALL",
    "SORT (FROM) UTF-8 ALL",
    "SORT (TO) UTF-8 ALL",
    "SORT (CC) UTF-8 ALL",
    "SORT (DATE) UTF-8 ALL",
    "SORT (ARRIVAL) UTF-8 ALL",
    "SORT (SIZE) UTF-8 ALL",
    "SORT (DISPLAYFROM) UTF-8 ALL",
    "SORT (DISPLAYTO) UTF-8 ALL",
    "SORT (REVERSE DATE SUBJECT) UTF-8 ALL",
    "SORT (SUBJECT) US-ASCII FROM example.com",
    "THREAD REFERENCES UTF-8 ALL",
    "THREAD ORDEREDSUBJECT UTF-8 ALL",
    "THREAD REFERENCES UTF-8 FROM alice",
]


class Client:
    """A raw IMAP client: each command's untagged responses, literals joined in, and its tagged status."""

    def __init__(self, host, port, tls):
        sock = socket.create_connection((host, port), timeout=30)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            sock = context.wrap_socket(sock)
        self.sock, self.buf, self.n = sock, b"", 0
        self._line()

    def _line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("connection closed")
            self.buf += data
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _response(self):
        out = self._line()
        while (m := re.search(rb"~?\{(\d+)\+?\}$", out)):
            out += b"\r\n" + self._exact(int(m.group(1))) + self._line()
        return out

    def command(self, text, literal=None):
        self.n += 1
        tag = b"C%03d" % self.n
        if literal is None:
            self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        else:
            self.sock.sendall(tag + b" " + text.encode() + b" {%d}\r\n" % len(literal))
            if not self._response().startswith(b"+"):
                raise RuntimeError(f"no continuation for {text}")
            self.sock.sendall(literal + b"\r\n")
        untagged = []
        while True:
            r = self._response()
            if r.startswith(tag + b" "):
                return untagged, r.split(b" ")[1].decode()
            untagged.append(r)


LITERAL = re.compile(rb"~?\{(\d+)\}\r\n")


def quote_literals(response):
    """A literal that could have been a quoted string (no CR, LF, quote or backslash) as that quoted string."""
    out, pos = b"", 0
    while (m := LITERAL.search(response, pos)):
        n = int(m.group(1))
        body = response[m.end():m.end() + n]
        out += response[pos:m.start()]
        out += b'"' + body + b'"' if n and not re.search(rb'[\r\n"\\]', body) else response[m.start():m.end() + n]
        pos = m.end() + n
    return out + response[pos:]


def normalise(responses):
    out = []
    for r in responses:
        r = quote_literals(r).replace(b"{0}\r\n", b"NIL").replace(b'""', b"NIL")
        out.append(r.decode("utf-8", "replace").upper())
    return out


def main():
    cm_host, cm_port, dc_host, dc_port, user, password = sys.argv[1:7]
    servers = {"cloudmail": Client(cm_host, int(cm_port), tls=True), "dovecot": Client(dc_host, int(dc_port), tls=False)}
    for name, c in servers.items():
        _, status = c.command(f'LOGIN "{user}" "{password}"')
        assert status == "OK", f"{name}: LOGIN {status}"
        _, status = c.command("CREATE compare")
        assert status == "OK", f"{name}: CREATE {status}"
        for i, message in enumerate(MESSAGES):
            _, status = c.command(f'APPEND compare (\\Seen) "{10 + i:02d}-Nov-2026 10:00:00 +0000"', message)
            assert status == "OK", f"{name}: APPEND of message {i + 1}: {status}"
        _, status = c.command("EXAMINE compare")
        assert status == "OK", f"{name}: EXAMINE {status}"
    differences = 0
    for command in COMMANDS:
        (a, sa), (b, sb) = servers["cloudmail"].command(command), servers["dovecot"].command(command)
        a, b = normalise(a), normalise(b)
        if a != b or sa != sb:
            differences += 1
            print(f"=== {command}: CloudMail {sa}, Dovecot {sb}")
            for line in difflib.unified_diff(b, a, "dovecot", "cloudmail", lineterm="", n=0):
                print("   ", line[:400])
    print(f"{len(COMMANDS)} commands, {differences} with different answers")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
