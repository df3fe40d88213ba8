"""Import speed of 100,000 food-safety rows from XLSX and from CSV, and lookup latency during a version switch.

Inputs are made the way an operator would: ``tongdai data synth`` builds a 100,000-record data directory,
``tongdai data export`` writes its records, and they are converted to a registry with Vietnamese headers
(dd/mm/yyyy dates, 12.500.000 amounts) as CSV and as XLSX (real date cells). Each import runs in a child
process (peak RSS is that process's maximum resident set, interpreter included), into a fresh copy of the
sample pack; the time of building the new version's files (``lookups.built``), part of the import, is shown
apart. The switch test opens one 100,000-record version, runs lookups through ``handle`` in a thread, moves the
pointer to another 100,000-record version (imported, so built, beforehand) and back with ``tongdai data
rollback`` in another process (as an operator would, so the serving process only notices and opens it), and
times every lookup from the command's start until the new version answers, at a steady 20 lookups/s and back
to back. The baselines are the same run's lookups before any command, and while a command that switches nothing
(``tongdai data history``) runs beside them: on a 2-core machine, starting any command makes some lookups wait
for a core. The service's process is set up as gunicorn's master leaves its workers (``gc.freeze()`` after the
catalog is open). ``--code DIR`` runs the switch test on another checkout's code too (main's builds the new
version inside the serving process).

    .venv/bin/python benchmarks/import_speed.py [--rows 100000] [--code DIR]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = os.environ.get("TONGDAI_BENCH_CODE")  # the checkout whose code a child measures (default: this one)
sys.path.insert(0, str(ROOT))
if CODE:
    sys.path.insert(0, CODE)
CACHE = ROOT / "benchmarks" / ".cache"
TONGDAI = [sys.executable, "-m", "app.cli"]
HEADER = ["Mã cơ sở", "Tên cơ sở", "Tên khác", "Loại hình", "Số nhà", "Đường", "Phường/Xã", "Quận/Huyện", "Số GCN",
          "Cơ quan cấp", "Ngày cấp", "Ngày hết hạn", "Ngày thu hồi", "Ngày ký cam kết", "Nơi tiếp nhận cam kết",
          "Ngày kiểm tra", "Kết quả kiểm tra", "Đơn vị kiểm tra", "Ngày vi phạm", "Hành vi vi phạm", "Số tiền phạt",
          "Tình trạng nộp phạt"]
AFTER = 3.0  # seconds after each switch in which the old version is freed, also reported
CATEGORY = {"restaurant": "Nhà hàng", "street_food": "Thức ăn đường phố", "catering": "Suất ăn sẵn",
            "bakery": "Tiệm bánh", "grocery": "Tạp hóa", "cafe": "Quán cà phê", "canteen": "Bếp ăn tập thể"}
RESULT = {"passed": "Đạt", "failed": "Không đạt", "warning": "Nhắc nhở"}
STATUS = {"paid": "Đã nộp phạt", "unpaid": "Chưa nộp phạt", "appealed": "Khiếu nại", "": ""}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def flat(r: dict, as_date: bool) -> list[object]:
    def day(text: str | None) -> object:
        if not text:
            return None
        return date.fromisoformat(text) if as_date else date.fromisoformat(text).strftime("%d/%m/%Y")

    cert, comm = r.get("certificate") or {}, r.get("commitment") or {}
    insp = (r.get("inspections") or [{}])[0]
    viol = (r.get("violations") or [{}])[0]
    fine = viol.get("fine_vnd")
    return [r["id"], r["name"], "; ".join(r["aliases"]), CATEGORY[r["category"]], r["house_number"], r["street"],
            r["ward"], r["district"], cert.get("number"), cert.get("issued_by"), day(cert.get("issued_on")),
            day(cert.get("expires_on")), day(cert.get("revoked_on")), day(comm.get("signed_on")),
            comm.get("received_by"), day(insp.get("date")), RESULT.get(insp.get("result", "")),
            insp.get("authority"), day(viol.get("date")), viol.get("description"),
            (fine if as_date else f"{fine:,}".replace(",", ".")) if fine is not None else None,
            STATUS.get(viol.get("status", ""))]


def make_inputs(rows: int) -> tuple[Path, Path, Path]:
    folder = CACHE / f"import_{rows}"
    csv_path, xlsx_path, synth = folder / "registry.csv", folder / "registry.xlsx", folder / "synth"
    if xlsx_path.exists():
        return csv_path, xlsx_path, synth
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([*TONGDAI, "data", "synth", "food_safety", "--count", str(rows), "--out", str(synth)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    exported = folder / "export.jsonl"
    with exported.open("w", encoding="utf-8") as out:
        subprocess.run([*TONGDAI, "--data-dir", str(synth), "data", "export", "food_safety"], check=True, cwd=ROOT,
                       stdout=out)
    with exported.open(encoding="utf-8") as src, csv_path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for line in src:
            writer.writerow(["" if v is None else v for v in flat(json.loads(line), as_date=False)])
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(HEADER)
    with exported.open(encoding="utf-8") as src:
        for line in src:
            sheet.append(flat(json.loads(line), as_date=True))
    book.save(xlsx_path)
    return csv_path, xlsx_path, synth


def child_import(path: str) -> None:
    from lookups.importing import pipeline

    with tempfile.TemporaryDirectory() as temp:
        data = Path(shutil.copytree(ROOT / "data", Path(temp) / "data", ignore=shutil.ignore_patterns("tools")))
        before = rss_mb()
        builds: list[float] = []
        build_cpu: list[float] = []
        if hasattr(pipeline, "build"):  # this checkout: the import builds the version's files
            build = pipeline.build

            def timed(*args: Any) -> None:
                begun, cpu = time.perf_counter(), time.process_time()
                build(*args)
                builds.append(time.perf_counter() - begun)
                build_cpu.append(time.process_time() - cpu)  # on a shared machine, what the build itself costs

            pipeline.build = timed
        started = time.perf_counter()
        outcome = pipeline.run_import(data, pipeline.Request("food_safety", Path(path), as_of=date(2026, 12, 1)))
        seconds = time.perf_counter() - started
        assert outcome.ok, outcome.lines
        report = outcome.report
        assert report is not None
        print(json.dumps({"rows": report.rows_read, "accepted": report.accepted, "seconds": seconds,
                          "build_seconds": sum(builds), "build_cpu_seconds": sum(build_cpu), "rss_before": before,
                          "rss_peak": rss_mb()}))


def child_switch(synth: str, csv_path: str, switches: str, rate: str) -> None:
    """Lookups through ``handle`` (``rate`` per second, 0: back to back) while the food-safety pointer moves
    ``switches`` times between two 100,000-record versions."""
    from handlers.dispatch import handle
    from lookups.importing import pipeline
    from lookups.store import Catalog

    per_second = float(rate)
    with tempfile.TemporaryDirectory() as temp:
        data = Path(shutil.copytree(synth, Path(temp) / "data"))
        outcome = pipeline.run_import(data, pipeline.Request("food_safety", Path(csv_path), as_of=date(2026, 12, 1)))
        assert outcome.ok and outcome.version, outcome.lines
        targets = ["base", outcome.version]  # the synthetic records as of 2026-11-01, the CSV import as of 12-01
        for target in targets:  # as an operator's rollbacks would have: both versions built before any is served
            pipeline.rollback(data, "food_safety", target)
        catalog = Catalog(data, reload_every=0.05)
        catalog.warm()
        gc.collect()  # as gunicorn's master does before it forks the workers (gunicorn.conf.py)
        gc.freeze()
        names = [r.name for r in catalog.food.records[:: max(1, len(catalog.food.records) // 500)]]
        times: list[tuple[float, float]] = []
        stop = threading.Event()

        def lookups() -> None:
            i = 0
            while not stop.is_set():
                started = time.perf_counter()
                with catalog.pinned():
                    handle(f"attp {names[i % len(names)]}", catalog)
                took = time.perf_counter() - started
                times.append((started, took))
                i += 1
                if per_second:
                    time.sleep(max(0.0, 1 / per_second - took))

        worker = threading.Thread(target=lookups)
        worker.start()
        time.sleep(8.0)  # the no-switch figures: 160 lookups at 20/s

        def command(*argv: str) -> float:
            """Run a ``tongdai`` command as an operator would, in another process (not this one's interpreter)."""
            started = time.perf_counter()
            subprocess.run([*TONGDAI, "--data-dir", str(data), *argv], check=True, cwd=CODE or ROOT,
                           stdout=subprocess.DEVNULL)
            return started

        controls = []  # a command that switches nothing: what starting any command beside the service costs it
        for _ in range(int(switches)):
            controls.append((command("data", "history", "food_safety"), time.perf_counter()))
            time.sleep(1.0)
        windows = []
        for n in range(int(switches)):
            target = targets[n % 2]
            started = command("data", "rollback", "food_safety", "--to", target)
            while catalog.versions()["food_safety"] != target:
                time.sleep(0.01)
            windows.append((started, time.perf_counter()))
            time.sleep(AFTER)
        stop.set()
        worker.join()

    def figures(during: list[float]) -> dict[str, float]:
        during.sort()
        return {"lookups": len(during), "p50_ms": 1000 * during[len(during) // 2],
                "p99_ms": 1000 * during[int(len(during) * 0.99)], "max_ms": 1000 * during[-1]}

    runs = [{"seconds": end - start, **figures([t for s, t in times if start <= s < end])} for start, end in windows]
    after = figures([t for s, t in times if any(end <= s < end + AFTER for _, end in windows)])
    control = figures([t for s, t in times if any(start <= s < end for start, end in controls)])
    quiet = [(s, t) for s, t in times if s < controls[0][0]]
    print(json.dumps({"before": figures([t for _, t in quiet]), "control": control, "runs": runs, "after": after,
                      "quiet_windows": window_worsts(quiet, max(end - start for start, end in windows)),
                      "rss_peak": rss_mb()}))


def window_worsts(times: list[tuple[float, float]], length: float) -> list[float]:
    """The worst lookup (ms) of each window of ``length`` seconds, one after another, over ``times``: what the
    worst of a switch's window is when nothing switches (a few lookups of a window's hundreds are slow by chance)."""
    if not times:
        return []
    first = times[0][0]
    worst: dict[int, float] = {}
    for started, took in times:
        n = int((started - first) / length)
        worst[n] = max(worst.get(n, 0.0), 1000 * took)
    return sorted(worst.values())[:-1] if len(worst) > 1 else list(worst.values())  # the last window is cut short


def print_switches(label: str, s: dict[str, Any], rows: int) -> None:
    base, control = s["before"], s.get("control")
    print(f"{label}: no switch: p50 {base['p50_ms']:.1f} ms, p99 {base['p99_ms']:.1f} ms, "
          f"worst {base['max_ms']:.1f} ms ({base['lookups']} lookups)")
    if control:  # the baseline's script may be older than this one
        print(f"  while `tongdai data history` runs beside (no switch): {control['lookups']} lookups, p50 "
              f"{control['p50_ms']:.1f} ms, p99 {control['p99_ms']:.1f} ms, worst {control['max_ms']:.1f} ms")
    worsts = s.get("quiet_windows")
    if worsts:
        print(f"  no switch, the worst lookup of each window as long as the longest switch ({len(worsts)} windows): "
              f"median {worsts[len(worsts) // 2]:.1f} ms, 90th percentile {worsts[int(0.9 * len(worsts))]:.1f} ms, "
              f"most {worsts[-1]:.1f} ms")
    for n, r in enumerate(s["runs"], 1):
        beside = f", x{r['max_ms'] / control['max_ms']:.1f} of a command that switches nothing" if control else ""
        print(f"  switch {n} ({rows} records, by `tongdai data rollback`, swapped in {r['seconds']:.1f} s): "
              f"{r['lookups']} lookups, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, worst {r['max_ms']:.1f} ms "
              f"(worst x{r['max_ms'] / base['max_ms']:.1f} of no switch{beside})")
    a = s["after"]
    print(f"  {AFTER:.0f} s after each switch, while the old version is let go: p50 {a['p50_ms']:.1f} ms, "
          f"worst {a['max_ms']:.1f} ms; peak RSS {s['rss_peak']:.0f} MB")


def run_child(*args: str, code: Path = ROOT) -> dict[str, Any]:
    env = {**os.environ, "TONGDAI_BENCH_CODE": str(code)}
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT,
                         env=env)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--child", nargs="+")
    ap.add_argument("--code", type=Path, help="also run the switch test on this checkout's code, first")
    args = ap.parse_args()
    if args.child:
        (child_import if args.child[0] == "import" else child_switch)(*args.child[1:])  # type: ignore[operator]
        return
    csv_path, xlsx_path, synth = make_inputs(args.rows)
    for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
        r = run_child("--child", "import", str(path))
        print(f"import {label:<4} {int(r['rows']):>7} rows ({path.stat().st_size / 1e6:.1f} MB): {r['seconds']:.1f} s "
              f"(building the files {r['build_seconds']:.1f} s of it, {r['build_cpu_seconds']:.1f} s of CPU), "
              f"{r['rows'] / r['seconds']:,.0f} rows/s, "
              f"peak RSS {r['rss_peak']:.0f} MB (before import {r['rss_before']:.0f} MB)")
    synth_args = ["--child", "switch", str(synth), str(csv_path), "2"]
    for code in [args.code.resolve()] if args.code else []:
        for label, rate in (("steady load, 20 lookups/s", "20"), ("back-to-back lookups (saturated)", "0")):
            print_switches(f"{code}: {label}", run_child(*synth_args, rate, code=code), args.rows)
    for label, rate in (("steady load, 20 lookups/s", "20"), ("back-to-back lookups (saturated)", "0")):
        print_switches(f"this checkout: {label}", run_child(*synth_args, rate), args.rows)


if __name__ == "__main__":
    main()
