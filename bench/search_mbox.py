"""Writes an mbox of N synthetic messages for bench/search.sh: English-like plain text bodies, every 7th message
ISO-8859-1 quoted-printable, every 11th UTF-8 base64, every 13th multipart with an HTML part; the rare word
"quokkaflux" sits inside a longer word in every 10,000th message (from message 7 on).

    python3 search_mbox.py N PATH
"""
import base64, quopri, random, sys

n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
common = ("the of and to in is for on with that this from report meeting please review attached budget project team "
          "update schedule customer invoice order delivery quarter plan notes question answer thanks regards").split()
letters = "abcdefghijklmnopqrstuvwxyz"
rare = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(5000)]

def sentence():
    return " ".join(rng.choice(common) if rng.random() < 0.6 else rng.choice(rare) for _ in range(rng.randint(6, 14))).capitalize() + "."

with open(path, "w", encoding="ascii", newline="\n") as out:
    for i in range(n):
        body = "\n".join(" ".join(sentence() for _ in range(3)) for _ in range(rng.randint(3, 8)))
        if i % 10000 == 7:
            body += "\nThe superquokkafluxing device is ready."
        headers = [f"From: Sender {i % 500} <sender{i % 500}@remote{i % 37}.test>", f"To: bench@bench.test",
                   f"Subject: {rng.choice(common).capitalize()} {rng.choice(rare)} #{i}",
                   f"Date: Mon, 01 Jan 2024 {i % 24:02d}:{i % 60:02d}:00 +0000", f"Message-ID: <m{i}@bench.test>", "MIME-Version: 1.0"]
        if i % 13 == 0:
            html = "<html><body><p>" + body.replace("\n", "</p><p>") + "</p><p>caf&eacute;</p></body></html>"
            b = "b" + str(i)
            headers.append(f'Content-Type: multipart/alternative; boundary="{b}"')
            text = (f"--{b}\nContent-Type: text/plain; charset=us-ascii\n\n{body}\n--{b}\nContent-Type: text/html; charset=utf-8\n"
                    f"Content-Transfer-Encoding: base64\n\n{base64.encodebytes(html.encode()).decode()}--{b}--\n")
        elif i % 7 == 0:
            headers += ["Content-Type: text/plain; charset=ISO-8859-1", "Content-Transfer-Encoding: quoted-printable"]
            text = quopri.encodestring((body + "\nLe café crème.").encode("latin-1")).decode("ascii") + "\n"
        elif i % 11 == 0:
            headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"]
            text = base64.encodebytes((body + "\nПривет, мир.").encode()).decode()
        else:
            headers.append("Content-Type: text/plain; charset=us-ascii")
            text = body + "\n"
        # mbox: a body line starting "From " would start a new message (mboxrd quoting).
        text = "\n".join(">" + line if line.startswith(("From ", ">From ")) else line for line in text.split("\n"))
        out.write("From bench@bench.test Mon Jan  1 00:00:00 2024\n" + "\n".join(headers) + "\n\n" + text + "\n")
