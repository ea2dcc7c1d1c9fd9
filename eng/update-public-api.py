#!/usr/bin/env python3
"""Rewrites each library's PublicAPI/PublicAPI.Unshipped.txt (what every target exposes) and
PublicAPI/<target>/PublicAPI.Unshipped.txt (what only that target does) from the RS0016/RS0017 diagnostics of a build.

Usage: eng/update-public-api.sh (builds with the files emptied of unshipped entries, then writes them)."""
import collections, os, re, sys

log = open(sys.argv[1]).read().splitlines()
pattern = re.compile(r"warning RS0016: Symbol '(?P<symbol>.+?)' is not part of the declared public API.*\[(?P<project>[^\]:]+\.csproj)::TargetFramework=(?P<tfm>[^\]]+)\]")
found = collections.defaultdict(lambda: collections.defaultdict(set))
for line in log:
    m = pattern.search(line)
    if m:
        found[m.group('project')][m.group('tfm')].add(m.group('symbol'))

for project, by_tfm in sorted(found.items()):
    folder = os.path.join(os.path.dirname(project), 'PublicAPI')
    shared = set.intersection(*by_tfm.values())
    def write(path, symbols):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write('#nullable enable\n' + ''.join(s + '\n' for s in sorted(symbols, key=str.lower)))
    write(os.path.join(folder, 'PublicAPI.Unshipped.txt'), shared)
    for tfm, symbols in by_tfm.items():
        only = symbols - shared
        path = os.path.join(folder, tfm, 'PublicAPI.Unshipped.txt')
        if only:
            write(path, only)
            shipped = os.path.join(folder, tfm, 'PublicAPI.Shipped.txt')
            if not os.path.exists(shipped):
                write(shipped, set())
        elif os.path.exists(path):
            os.remove(path)
    print(f"{os.path.basename(project)}: {len(shared)} shared; " + ', '.join(f"{t} +{len(s - shared)}" for t, s in sorted(by_tfm.items())))
