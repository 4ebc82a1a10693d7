#!/usr/bin/env python3
"""The browser half of the GPU benchmark: the page's own benchmark on its CPU backend (flex)
and on WebGPU, the page's `auto` choice, and TensorFlow.js's WebGL and WebGPU backends on the
same DCGAN, all in one headless Chromium, printed as one table.

It needs Python's standard library, a Chromium, the built page (dist/) and TensorFlow.js's two
bundles (fetched with npm into target/bench/tfjs when missing); nothing else (no Node: the GPU
machines have none). A local server serves the page,
the driver (tests/bench/browser/) and a plan; the driver runs each case in a frame of its own
and posts the results back.

    tests/bench/browser-bench.py --chromium PATH [--gpu real|swiftshader] [--quick]
        [--dist dist] [--tfjs FOLDER] [--only REGEX] [--json FILE] [--timeout SECONDS]

--gpu real (the default) refuses to measure when the browser's WebGPU adapter is SwiftShader
(the CPU emulation), trying a few sets of flags first; --gpu swiftshader is for machines without
a GPU (a check that the script works, with a few iterations each: --quick). Exit status 1 if a
case failed, or no adapter of the kind asked for was found.
"""
import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

TYPES = {'.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
         '.wasm': 'application/wasm', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
         '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.gz': 'application/gzip'}

# The models: the page's query, and iterations (with a warm-up) for each backend, full and quick.
DCGAN_PLAIN = 'preset=mnist-dcgan&clusters=false&ema=0'
MODELS = [
    # name, query, {backend: iterations}, {backend: iterations with --quick}
    ('2-D ring, MLP 64x2, batch 128', 'preset=ring', {'flex': 2000, 'wgpu': 300}, {'flex': 200, 'wgpu': 3}),
    ('784-d MLP 256x2, batch 64', 'dataset=gaussian&data_dim=784&latent_dim=64&g_hidden=256&d_hidden=256&batch_size=64',
     {'flex': 300, 'wgpu': 200}, {'flex': 20, 'wgpu': 2}),
    ('DCGAN 64/32 ch, batch 64 (no groups, no EMA: as TF.js)', DCGAN_PLAIN, {'flex': 40, 'wgpu': 200, 'tfjs': 200},
     {'flex': 3, 'wgpu': 1, 'tfjs': 2}),
    ('DCGAN preset (twenty groups, EMA)', 'preset=mnist-dcgan', {'flex': 40, 'wgpu': 200}, {'flex': 3, 'wgpu': 1}),
]

# TensorFlow.js's bundles: its union package (the CPU and WebGL backends in it) and WebGPU's,
# fetched from the npm registry by `npm pack` when first needed (not a dependency of the page or
# of its tests).
TFJS = [('@tensorflow/tfjs', '4.22.0', 'tf.min.js'), ('@tensorflow/tfjs-backend-webgpu', '4.22.0', 'tf-backend-webgpu.min.js')]


def fetch_tfjs(folder):
    """TensorFlow.js's two bundles into `folder`, unless there."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, version, file in TFJS:
        if (folder / file).is_file():
            continue
        if not shutil.which('npm'):
            sys.exit(f'{folder}: no {file}, and no npm here to fetch {name}@{version} with')
        with tempfile.TemporaryDirectory() as tmp:
            tgz = subprocess.run(['npm', 'pack', '--silent', f'{name}@{version}'], cwd=tmp, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1]
            subprocess.run(['tar', 'xzf', tgz, f'package/dist/{file}'], cwd=tmp, check=True)
            shutil.copy(Path(tmp) / 'package' / 'dist' / file, folder / file)

BASE_FLAGS = ['--headless', '--lang=en-US', '--no-sandbox', '--no-first-run', '--disable-background-networking',
              '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
              '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
              '--enable-unsafe-webgpu', '--ignore-gpu-blocklist']
# Flag sets tried in turn until the browser's WebGPU adapter is of the kind asked for.
FLAG_SETS = {
    'real': [
        ['--enable-gpu', '--use-vulkan=native', '--use-angle=vulkan', '--enable-features=Vulkan,VulkanFromANGLE',
         '--disable-vulkan-surface'],
        ['--enable-gpu', '--use-gl=angle', '--use-angle=vulkan', '--enable-features=Vulkan',
         '--disable-vulkan-surface'],
        ['--enable-features=Vulkan', '--use-angle=vulkan'],
    ],
    'swiftshader': [
        ['--enable-features=Vulkan', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
        ['--enable-features=Vulkan', '--use-angle=vulkan', '--enable-unsafe-swiftshader'],
    ],
}


def plan(quick, gpu):
    cases = []
    for name, query, iters, quick_iters in MODELS:
        n = quick_iters if quick else iters
        for backend in ('flex', 'wgpu'):
            warmup = 0 if quick or (backend == 'wgpu' and gpu == 'swiftshader') else 3000
            cases.append({'kind': 'page', 'model': name, 'name': f'{name}: the page, {backend}', 'query': query,
                          'backend': backend, 'iters': n[backend], 'warmupMs': warmup})
        for backend in ('webgl', 'webgpu'):
            if 'tfjs' in n:
                cases.append({'kind': 'tfjs', 'model': name, 'name': f'{name}: TensorFlow.js, {backend}',
                              'backend': backend, 'iters': n['tfjs'], 'warmupMs': 0 if quick else 3000})
        # (With --quick the 2-D model's only: on SwiftShader `auto` times WebGPU for minutes.)
        if not quick or name.startswith('2-D'):
            cases.append({'kind': 'auto', 'model': name, 'name': f'{name}: the page\'s auto', 'query': query})
    return cases


class Run:
    """What the driver has posted so far (written to `json_path` after each result, so that a
    run stopped from outside keeps what it measured)."""

    def __init__(self, cases, timeout_ms, json_path=None, header=None):
        self.plan = {'cases': cases, 'timeoutMs': timeout_ms}
        self.results = []
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.json_path = json_path
        self.header = header or {}

    def add(self, result):
        with self.lock:
            self.results.append(result)
            if self.json_path:
                Path(self.json_path).write_text(json.dumps({**self.header, 'results': self.results}, indent=1))


def make_handler(run, dist, tfjs, csp):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body, kind='text/plain', extra=()):
            self.send_response(status)
            self.send_header('Content-Type', kind)
            self.send_header('Cache-Control', 'no-cache')
            for k, v in extra:
                self.send_header(k, v)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split('?')[0]
            if path == '/bench/plan.json':
                return self.send(200, json.dumps(run.plan).encode(), 'application/json')
            # The page under /app/: its service worker's scope, which must not take in the
            # benchmark's own pages.
            if path.startswith('/bench/tfjs/'):
                base, rel = tfjs, path[len('/bench/tfjs/'):]
            elif path.startswith('/bench/'):
                base, rel = HERE / 'browser', path[len('/bench/'):]
            elif path.startswith('/app/'):
                base, rel = dist, path[len('/app/'):] or 'index.html'
            else:
                return self.send(404, b'not found')
            if rel.endswith('/'):
                rel += 'index.html'
            file = (base / rel).resolve()
            if base.resolve() not in file.parents or not file.is_file():
                return self.send(404, b'not found')
            # The page's own Content Security Policy on the page's files (as the tests serve them).
            extra = [('Content-Security-Policy', csp)] if base == dist else []
            self.send(200, file.read_bytes(), TYPES.get(file.suffix, 'application/octet-stream'), extra)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))) or b'{}')
            if self.path == '/bench/log':
                print(f'  {body.get("line")}', flush=True)
            elif self.path == '/bench/result':
                run.add(body)
                if body.get('ok') is False:
                    print(f'  FAILED: {body["error"].splitlines()[0]}', flush=True)
            elif self.path == '/bench/done':
                run.done.set()
            self.send(204, b'')

    return Handler


def serve(run, dist, tfjs):
    """The server, on a free loopback port, in a thread of its own (`stop(server)` ends it)."""
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', (dist / 'index.html').read_text()).group(1)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), make_handler(run, dist, tfjs, csp))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server):
    server.shutdown()
    server.server_close()


def browse(chromium, flags, url, run, timeout_s):
    """Chromium on `url` until the driver says done, Chromium exits, or `timeout_s` pass. Returns
    whether the driver was done, and the end of Chromium's own log."""
    profile = tempfile.mkdtemp(prefix='minimax-bench-')
    path = os.path.join(profile, 'chromium.log')
    with open(path, 'w') as log:
        # A locale: a headless Chromium started under LANG=C reports the language `en-US@posix`,
        # which Intl refuses.
        env = {**os.environ, 'LANG': 'en_US.UTF-8', 'LANGUAGE': 'en_US'}
        # A process group of its own, so that its GPU and renderer processes end with it.
        proc = subprocess.Popen([chromium, *BASE_FLAGS, *flags, f'--user-data-dir={profile}', url],
                                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        t0 = time.time()
        try:
            finished = False
            while not finished and time.time() - t0 < timeout_s:
                finished = run.done.wait(1)
                if not finished and proc.poll() is not None:
                    print(f'Chromium exited ({proc.returncode}) before the driver was done', file=sys.stderr)
                    break
        finally:
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait()
    tail = open(path, errors='replace').read()[-4000:]
    shutil.rmtree(profile, ignore_errors=True)
    return finished, tail


def is_swiftshader(info):
    a = (info or {}).get('webgpu') or {}
    return not a or 'swiftshader' in json.dumps(a).lower()


def fmt(ms):
    return '—' if ms is None else (f'{ms:.2f}' if ms < 100 else f'{ms:.0f}')


def table(results, info, chromium_version, flags):
    by = {}
    autos = {}
    failed = []
    for r in results:
        c = r.get('case', {})
        if c.get('kind') == 'info':
            continue
        if not r.get('ok'):
            failed.append(f'{c.get("name")}: {r.get("error", "").splitlines()[0] if r.get("error") else "failed"}')
            continue
        if c['kind'] == 'auto':
            autos[c['model']] = r
            continue
        if r.get('tensors_grown') or r.get('tensors_left'):
            failed.append(f'{c["name"]}: TensorFlow.js leaks tensors ({r.get("tensors_grown")} more after the '
                          f'timed steps, {r.get("tensors_left")} left at the end)')
        key = 'page ' + c['backend'] if c['kind'] == 'page' else 'tfjs ' + c['backend']
        if r.get('backend') not in (c['backend'], None):
            failed.append(f'{c["name"]}: ran on {r.get("backend")}')
            continue
        by.setdefault(c['model'], {})[key] = r['ms_per_iter']
    w = info.get('webgpu') or {}
    lines = [f'# {chromium_version}; WebGPU adapter: {w.get("vendor") or "?"} {w.get("architecture") or ""} '
             f'{w.get("description") or ""}'.rstrip() + f'; WebGL: {info.get("webgl")}',
             f'# flags: {" ".join(flags)}', '',
             'ms an iteration (lower is better)',
             f'{"model":56} {"page CPU":>9} {"page WebGPU":>12} {"TF.js WebGL":>12} {"TF.js WebGPU":>13} '
             f'{"WebGPU vs CPU":>14} {"vs TF.js":>9}']
    for name, *_ in MODELS:
        m = by.get(name, {})
        cpu, gpu = m.get('page flex'), m.get('page wgpu')
        tgl, tgpu = m.get('tfjs webgl'), m.get('tfjs webgpu')
        speedup = f'{cpu / gpu:.2f}×' if cpu and gpu else '—'
        best_tf = min([t for t in (tgl, tgpu) if t] or [0]) or None
        vs_tf = f'{best_tf / gpu:.2f}×' if best_tf and gpu else '—'
        lines.append(f'{name:56} {fmt(cpu):>9} {fmt(gpu):>12} {fmt(tgl):>12} {fmt(tgpu):>13} {speedup:>14} {vs_tf:>9}')
    if autos:
        lines.append('')
        for name, r in autos.items():
            t = r.get('timings') or {}
            lines.append(f'auto, {name}: keeps {r.get("backend")} (measured: CPU {fmt(t.get("flex"))} ms, '
                         f'WebGPU {fmt(t.get("wgpu"))} ms an iteration)')
    return lines, failed


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--chromium', default=os.environ.get('CHROMIUM', '/usr/bin/chromium'))
    p.add_argument('--gpu', choices=['real', 'swiftshader'], default='real')
    p.add_argument('--quick', action='store_true', help='a few iterations each: checks that it works')
    p.add_argument('--dist', default=str(ROOT / 'dist'))
    p.add_argument('--tfjs', default=str(ROOT / 'target' / 'bench' / 'tfjs'),
                   help='a folder with tf.min.js and tf-backend-webgpu.min.js (fetched there if missing)')
    p.add_argument('--fetch-tfjs', action='store_true', help='only fetch TensorFlow.js into --tfjs')
    p.add_argument('--only', help='only the cases whose name matches this regular expression')
    p.add_argument('--json', help='write every result here too')
    p.add_argument('--timeout', type=float,
                   help='seconds for the whole browser run (480 on a real GPU, inside a lent machine\'s '
                        '10 minutes a call; 1 500 on SwiftShader)')
    a = p.parse_args()

    dist = Path(a.dist).resolve()
    tfjs = Path(a.tfjs).resolve()
    fetch_tfjs(tfjs)
    if a.fetch_tfjs:
        return
    if not (dist / 'index.html').is_file():
        sys.exit(f'{dist}: no built page (run `cargo xtask dist`)')
    version = subprocess.run([a.chromium, '--version'], capture_output=True, text=True).stdout.strip() or a.chromium

    # Find flags under which the adapter is of the kind asked for: a run with no cases.
    chosen = None
    for flags in FLAG_SETS[a.gpu]:
        probe = Run([], 10_000)
        server = serve(probe, dist, tfjs)
        try:
            _, tail = browse(a.chromium, flags, f'http://127.0.0.1:{server.server_port}/bench/driver.html', probe, 60)
        finally:
            stop(server)
        info = next((r for r in probe.results if r.get('case', {}).get('kind') == 'info'), {})
        real = info.get('webgpu') and not is_swiftshader(info)
        print(f'flags {" ".join(flags)}: WebGPU {json.dumps(info.get("webgpu"))}, WebGL {info.get("webgl")}', flush=True)
        if (a.gpu == 'real') == bool(real) and info.get('webgpu'):
            chosen = flags
            break
        print(f'  (not {a.gpu}; the end of Chromium\'s log:)\n' + '\n'.join('    ' + l for l in tail.splitlines()[-15:]), flush=True)
    if chosen is None:
        print(f'no WebGPU adapter of the kind asked for ({a.gpu}) under any of the flag sets tried', file=sys.stderr)
        sys.exit(1)

    cases = [c for c in plan(a.quick, a.gpu) if not a.only or re.search(a.only, c['name'])]
    # A case that hangs costs its own limit, well inside the whole run's.
    timeout = a.timeout or (480 if a.gpu == 'real' else 1500)
    run = Run(cases, 120_000 if a.gpu == 'real' else 300_000, a.json, {'browser': version, 'flags': chosen})
    server = serve(run, dist, tfjs)
    t0 = time.time()
    try:
        finished, tail = browse(a.chromium, chosen, f'http://127.0.0.1:{server.server_port}/bench/driver.html', run, timeout)
    finally:
        stop(server)
    info = next((r for r in run.results if r.get('case', {}).get('kind') == 'info'), {})
    lines, failed = table(run.results, info, version, chosen)
    print('')
    print('\n'.join(lines))
    done = sum(1 for r in run.results if r.get('case', {}).get('kind') != 'info')
    print(f'\n{done} of {len(run.plan["cases"])} cases done in {time.time() - t0:.0f} s')
    if a.gpu == 'real' and 'swiftshader' in str(info.get('webgl')).lower():
        failed.append('WebGL is SwiftShader here (the TF.js WebGL column is the emulator\'s)')
    if not finished:
        failed.append(f'the driver did not finish within {timeout:.0f} s')
        print('the end of Chromium\'s log:\n' + '\n'.join('    ' + l for l in tail.splitlines()[-15:]))
    for f in failed:
        print(f'FAILED: {f}')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
