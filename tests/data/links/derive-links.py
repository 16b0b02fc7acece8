#!/usr/bin/python3
"""Derive the expected handle links of an EVTX file from evtxexport's XML.

This is the independent method behind tests/data/links/*.links: it shares
no code with oaview.  It reads `evtxexport -f xml FILE` (libevtx-utils),
takes the Security object-access events, and applies DESIGN.md's
correlation rules in record order:
  key = (Computer, ProcessId, HandleId); 4656 success with handle != 0 opens
  a lifetime; 4663/4660/4670/4658 join the live lifetime of their key (or a
  lifetime with no opener when none is live); 4658 closes; a second 4656 of
  a live key replaces it; 4690 joins the source key's lifetime and gives
  (TargetProcessId, TargetHandleId) a lifetime of its own whose opener is the
  source's opener; when the target process is 4 the close may carry the
  source process id, so (SourceProcessId, TargetHandleId) is an alias.
Output: one line per object-access event: record event_id open close
('-' for none).  Usage: derive-links.py FILE.evtx > FILE.links
"""
import re
import subprocess
import sys

OA = {4656, 4658, 4660, 4663, 4670, 4690, 5140, 5145, 4657, 4659, 4661,
      4662, 4664, 4691, 4907, 4985, 5142, 5143, 5144}


def events(path):
    xml = subprocess.run(["evtxexport", "-f", "xml", path], capture_output=True,
                         text=True, errors="replace").stdout
    for block in re.findall(r"<Event .*?</Event>", xml, re.S):
        eid = int(re.search(r"<EventID[^>]*>(\d+)<", block).group(1))
        rec = int(re.search(r"<EventRecordID>(\d+)<", block).group(1))
        comp = re.search(r"<Computer>([^<]*)<", block).group(1)
        kw = int(re.search(r"<Keywords>(0x[0-9a-fA-F]+)<", block).group(1), 16)
        data = dict(re.findall(r'<Data Name="([^"]+)">([^<]*)</Data>', block))
        yield rec, eid, comp, kw, data


def num(v):
    if v is None or v in ("", "-"):
        return None
    return int(v, 16) if v.lower().startswith("0x") else int(v)


def main(path):
    lives = []          # [open, close, [members]]
    live = {}           # key -> life index
    out = {}
    for rec, eid, comp, kw, d in sorted(events(path)):
        if eid not in OA:
            continue
        out[rec] = [eid, None]
        role = {4656: "open", 4663: "use", 4660: "use", 4670: "use", 4657: "use",
                4690: "dup", 4658: "close"}.get(eid)
        if eid == 4690:
            h, p = num(d.get("SourceHandleId")), num(d.get("SourceProcessId"))
        else:
            h, p = num(d.get("HandleId")), num(d.get("ProcessId"))
        if role is None or not h or p is None:
            continue
        key = (comp, p, h)
        if role == "open":
            if kw & 0x0010000000000000:
                continue
            lives.append([rec, None, [rec]])
            live[key] = len(lives) - 1
            out[rec][1] = live[key]
            continue
        if key in live:
            li = live[key]
        else:
            lives.append([None, None, []])
            li = len(lives) - 1
            if role != "close":
                live[key] = li
        lives[li][2].append(rec)
        out[rec][1] = li
        if role == "close":
            lives[li][1] = rec
            if live.get(key) == li:
                del live[key]
        elif role == "dup":
            th, tp = num(d.get("TargetHandleId")), num(d.get("TargetProcessId"))
            if th:
                lives.append([lives[li][0], None, []])
                child = len(lives) - 1
                live[(comp, tp, th)] = child
                if tp == 4 and p != 4 and (comp, p, th) not in live:
                    live[(comp, p, th)] = child
    for rec in sorted(out):
        eid, li = out[rec]
        o = c = "-"
        if li is not None:
            o = lives[li][0] if lives[li][0] is not None else "-"
            c = lives[li][1] if lives[li][1] is not None else "-"
        print(rec, eid, o, c)


if __name__ == "__main__":
    main(sys.argv[1])
