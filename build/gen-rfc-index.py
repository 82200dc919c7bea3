#!/usr/bin/env python3
"""Prints the RFC index of listener/CloudMail.Protocols/README.md: for every source file, the RFC sections its code
cites where a rule is enforced. Regenerate after changing Protocols:
    python3 build/gen-rfc-index.py > /tmp/idx.md   (then replace the index part of the README)"""
import os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "listener", "CloudMail.Protocols"))
import re,glob,os,collections
rows=collections.OrderedDict()
for f in sorted(glob.glob('**/*.cs',recursive=True)):
    if f.startswith(('obj/','bin/')): continue
    s=open(f).read()
    by=collections.OrderedDict()
    for m in re.finditer(r'RFC ?(\d{3,4})(?: ?§ ?([0-9A-Z]+(?:\.[0-9A-Z]+)*))?',s):
        by.setdefault(m.group(1),set())
        if m.group(2): by[m.group(1)].add(m.group(2))
    by.pop('822',None)
    parts=[]
    for rfc,secs in sorted(by.items(),key=lambda kv:int(kv[0])):
        secs=sorted(secs,key=lambda x:[int(p) if p.isdigit() else 0 for p in x.split('.')])
        if len(secs)>5: parts.append(f"RFC {rfc} (§{secs[0]} to §{secs[-1]}, {len(secs)} sections)")
        elif secs: parts.append(f"RFC {rfc} " + ", ".join('§'+x for x in secs))
        else: parts.append(f"RFC {rfc}")
    d=os.path.dirname(f) or '.'
    rows.setdefault(d,[]).append((os.path.basename(f),"; ".join(parts) if parts else "(no RFC rule: plumbing)"))
for d,items in rows.items():
    print(f"\n### `{d}/`\n\n| File | Implements |\n|---|---|")
    for n,p in items: print(f"| `{n}` | {p} |")
