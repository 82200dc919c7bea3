"""Prints the number of messages in INBOX (IMAP STATUS over implicit TLS): imap_count.py PORT USER PASSWORD."""
import imaplib
import ssl
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
client = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl._create_unverified_context())
client.login(user, password)
_, data = client.status("INBOX", "(MESSAGES)")
print(data[0].decode().split("MESSAGES ")[1].rstrip(")"))
client.logout()
