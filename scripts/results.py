#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one rig run into test items.

    results.py --kernel NAME --dir DIR [--expect SECTION ...] [--suffix S]

DIR holds what scripts/rig.sh left: serial.log (the result channel),
console.log (kernel console) and status. Prints one line per item:

    PASS <kernel>/<program>/<case>
    SKIP <kernel>/<program>/<case>: <reason>
    FAIL <kernel>/<program>[/<case>]: <reason>

followed, for a failure, by indented detail lines. Items are: every TAP
result of every program; a FAIL for a program that did not finish its TAP
plan, timed out, exited with an unexpected status or never ran; the boot
itself (<kernel>/boot); and the kernel-log scan (<kernel>/kernel_log).
Exit status 0 when nothing failed.
"""

import argparse
import os
import re
import sys

RECORD = re.compile(r'^@vfmdev (\S+)(?: (.*))?$')
RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(?:- )?(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)\s*(?:#\s*(.*))?$')
HARNESS_STATUS = re.compile(r'^(RUN|OK|FAIL|SKIP|XFAIL|XPASS)\s+\S+( \.\.\.)?$'
                            r'|^Starting \d+ tests')
KLINE = re.compile(r'\[\s*(\d+\.\d+)\] (.*)$')

# Kernel log lines that fail a run wherever they appear.
REPORTS = [re.compile(p) for p in (
    r'\bBUG:', r'WARNING:', r'\bOops\b', r'Call Trace:', r'Kernel panic',
    r'kernel BUG at', r'general protection fault', r'Unable to handle',
    r'KASAN', r'UBSAN', r'sleeping function called from invalid context',
    r'possible circular locking', r'possible recursive locking',
    r'inconsistent lock state', r'INFO: trying to register non-static key',
    r'INFO: lockdep is turned off', r'INFO: task .* blocked for more than',
    r'detected stalls? on CPU', r'list_(add|del) corruption', r'refcount_t:',
    r'stack-protector',
)]
# IOMMU faults: failures unless inside a window a test declared.
IOMMU_FAULT = re.compile(r'DMAR: DRHD: handling fault|DMAR: .*[Ff]ault')
DECLARE_BEGIN = 'vfmdev-test: expect-iommu-fault begin'
DECLARE_END = 'vfmdev-test: expect-iommu-fault end'
SECTION_END = re.compile(r'vfmdev-rig: end ')
OURS = ('vfmdev-test:', 'vfmdev-rig:')


def read_lines(path):
    try:
        with open(path, 'rb') as f:
            data = f.read().decode('utf-8', 'replace')
    except FileNotFoundError:
        return None
    return [l.rstrip('\r') for l in data.replace('\r\n', '\n').split('\n')]


def parse_channel(lines):
    """Sections of the result channel: name -> dict(lines, end, done)."""
    sections = {}
    order = []
    done = False
    cur = None
    for line in lines or []:
        m = RECORD.match(line)
        if not m:
            if cur is not None:
                sections[cur]['lines'].append(line)
            continue
        kind, rest = m.group(1), m.group(2) or ''
        if kind == 'begin':
            cur = rest.strip()
            sections[cur] = {'lines': [], 'end': None}
            order.append(cur)
        elif kind == 'end':
            words = rest.split()
            name = words[0] if words else cur
            attrs = dict(w.split('=', 1) for w in words[1:] if '=' in w)
            if name in sections:
                sections[name]['end'] = attrs
            cur = None
        elif kind == 'done':
            done = True
    return sections, order, done


# Appended to the names of a boot's own items (boot, setup, kernel_log,
# leaks, ...) when one kernel has several boots (--suffix).
SUFFIX = ''


def item_name(section):
    if section.startswith('tests/') or section.startswith('rig/'):
        return section.split('/', 1)[1]
    first, sep, rest = section.partition('/')
    return first + SUFFIX + sep + rest


def case_name(desc):
    desc = desc.strip()
    if desc.startswith('global.'):
        desc = desc[len('global.'):]
    return re.sub(r'\s+', '_', desc) or 'unnamed'


def parse_tap(kernel, prog, sec, out):
    """Items for one program's section; returns nothing, appends to out."""
    base = f'{kernel}/{prog}'
    plan = None
    plan_skip = None
    results = 0
    failed = 0
    diag = []
    pending = None  # a failure without a reason yet: diagnostics may follow
    for line in sec['lines']:
        if line.startswith(' ') or line.startswith('\t'):
            continue  # nested TAP, not ours to count
        m = PLAN.match(line)
        if m:
            plan = int(m.group(1))
            if plan == 0:
                why = (m.group(2) or '').strip()
                if why.upper().startswith('SKIP'):
                    why = why[4:].strip(' :')
                plan_skip = why or 'skipped'
            continue
        m = RESULT.match(line)
        if not m:
            if line.startswith('#') and not line.startswith('# Totals'):
                text = line[1:].strip()
                if HARNESS_STATUS.match(text):
                    continue  # "RUN x ...", "OK x", "FAIL x": no reason
                if pending is not None:
                    v, n, r, d = out[pending]
                    if r is None:
                        out[pending] = (v, n, text, d)
                    elif len(d) < 4:
                        d.append(text)
                    continue
                diag.append(text)
                diag = diag[-4:]
            continue
        results += 1
        pending = None
        ok = m.group(1) == 'ok'
        desc, _, directive = m.group(3).partition(' # ')
        name = f'{base}/{case_name(desc)}'
        d = directive.strip()
        du = d.upper()
        if du.startswith('SKIP'):
            out.append(('SKIP', name, d[4:].strip(' :') or 'skipped', []))
        elif du.startswith('TODO') and not ok:
            out.append(('SKIP', name, 'TODO ' + d[4:].strip(), []))
        elif ok:
            out.append(('PASS', name, None, []))
        else:
            failed += 1
            if diag:
                out.append(('FAIL', name, diag[-1], diag[:-1]))
            else:
                pending = len(out)
                out.append(('FAIL', name, None, []))
        diag = []

    out[:] = [(v, n, 'failed' if v == 'FAIL' and r is None else r, d)
              for v, n, r, d in out]
    end = sec['end']
    tail = [l for l in sec['lines'] if l.strip()][-8:]
    if end is None:
        out.append(('FAIL', base, 'did not finish: the guest stopped or '
                    'timed out while it ran', tail))
        return
    rc = int(end.get('rc', '255')) if end.get('rc', '').isdigit() else 255
    if 'timeout' in end:
        stuck = ' and could not be killed' if 'stuck' in end else ''
        out.append(('FAIL', base, f'timed out after {end["timeout"]} s{stuck}',
                    tail))
        return
    if plan_skip is not None:
        out.append(('SKIP', base, plan_skip, []))
        return
    if plan is None:
        out.append(('FAIL', base, f'no TAP plan (exit status {rc})', tail))
        return
    if results != plan:
        out.append(('FAIL', base, f'truncated: {results} of {plan} results '
                    f'(exit status {rc})', tail))
        return
    # kselftest: 0 pass, 1 fail, 4 skip.
    if rc not in (0, 4) and failed == 0:
        out.append(('FAIL', base, f'exit status {rc} with no failed case', tail))
    elif rc == 0 and failed:
        out.append(('FAIL', base, f'exit status 0 with {failed} failed case(s)',
                    []))


def judge_exit(kernel, prog, sec, out):
    end = sec['end'] or {}
    tail = [l for l in sec['lines'] if l.strip()][-8:]
    if not end:
        out.append(('FAIL', f'{kernel}/{prog}', 'did not finish', tail))
    elif 'timeout' in end:
        out.append(('FAIL', f'{kernel}/{prog}',
                    f'timed out after {end["timeout"]} s', tail))
    elif end.get('rc') != '0':
        out.append(('FAIL', f'{kernel}/{prog}',
                    f'exit status {end.get("rc")}', tail))
    else:
        out.append(('PASS', f'{kernel}/{prog}', None, []))


def kernel_lines(console, dmesg):
    seen = set()
    lines = []
    for src in (console or [], dmesg or []):
        for line in src:
            m = KLINE.search(line)
            if not m:
                continue
            key = (m.group(1), m.group(2).rstrip())
            if key in seen:
                continue
            seen.add(key)
            lines.append((float(m.group(1)), len(lines), key[1]))
    lines.sort()
    return [(ts, text) for ts, _, text in lines]


def scan_log(kernel, console, dmesg, out):
    findings = []
    tolerated = 0
    window = False
    for ts, text in kernel_lines(console, dmesg):
        if DECLARE_BEGIN in text:
            window = True
            continue
        if DECLARE_END in text or SECTION_END.search(text):
            window = False
            continue
        if any(o in text for o in OURS):
            continue
        if IOMMU_FAULT.search(text):
            if window:
                tolerated += 1
            else:
                findings.append(f'[{ts:12.6f}] {text}')
            continue
        if any(p.search(text) for p in REPORTS):
            findings.append(f'[{ts:12.6f}] {text}')
    name = f'{kernel}/kernel_log{SUFFIX}'
    if findings:
        out.append(('FAIL', name, f'{len(findings)} report line(s), first: '
                    f'{findings[0].strip()}', findings[:40]))
    else:
        note = [f'{tolerated} IOMMU fault line(s) inside declared windows'] \
            if tolerated else []
        out.append(('PASS', name, None, note))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--expect', nargs='*', default=[])
    ap.add_argument('--no-tap', action='store_true',
                    help='judge programs by exit status only (demo)')
    ap.add_argument('--suffix', default='',
                    help="for the items of a kernel's second boot: "
                    'boot, setup, kernel_log... get it appended')
    a = ap.parse_args()
    global SUFFIX
    SUFFIX = a.suffix

    status = {}
    for line in read_lines(os.path.join(a.dir, 'status')) or []:
        for w in line.split():
            if '=' in w:
                k, v = w.split('=', 1)
                status[k] = v
    channel = read_lines(os.path.join(a.dir, 'serial.log'))
    console = read_lines(os.path.join(a.dir, 'console.log'))
    sections, order, done = parse_channel(channel)

    out = []
    rc = status.get('rc', '?')
    if done:
        out.append(('PASS', f'{a.kernel}/boot{SUFFIX}', None, []))
    else:
        stopped = read_lines(os.path.join(a.dir, 'stopped'))
        qlog = [l for l in read_lines(os.path.join(a.dir, 'qemu.log')) or []
                if l.strip()]
        why = {'124': 'timed out', '?': 'no status',
               '125': 'stopped by the host: ' + (stopped or [''])[0],
               '0': 'the guest stopped: reset, panic or QEMU stopped'
               }.get(rc, f'QEMU exit status {rc}')
        if qlog and rc != '125':
            why += '; QEMU: ' + qlog[-1]
        ctail = [l for l in (console or []) if l.strip()][-15:]
        out.append(('FAIL', f'{a.kernel}/boot{SUFFIX}', f'the guest did not finish its '
                    f'job ({why}); console.log ends:', ctail))

    for sec in order:
        if sec == 'dmesg':
            continue
        if a.no_tap:
            judge_exit(a.kernel, item_name(sec), sections[sec], out)
        else:
            parse_tap(a.kernel, item_name(sec), sections[sec], out)
    for sec in a.expect:
        if sec not in sections:
            out.append(('FAIL', f'{a.kernel}/{item_name(sec)}', 'never ran', []))

    dmesg = sections.get('dmesg', {}).get('lines')
    scan_log(a.kernel, console, dmesg, out)

    for verdict, name, reason, details in out:
        print(f'{verdict} {name}' + (f': {reason}' if reason else ''))
        for d in details:
            print(f'    | {d}')
    sys.exit(1 if any(o[0] == 'FAIL' for o in out) else 0)


if __name__ == '__main__':
    main()
