#!/usr/bin/env python3
"""Latency benchmark against a running Kopiena (report, never pass/fail).

    python3 scripts/bench.py --base http://127.0.0.1:8080 --token "$(kopiena token --role ministry)" \
        [--municipality-token ...] [--requests 50] [--concurrency 8]

For each endpoint it sends `--requests` sequential requests and prints p50/p95/max in ms, then
the ratio of each p50 to the p50 of /health/live (the framework's own floor on this machine).
With --concurrency > 1 it also measures throughput of a few reads with that many threads.
Uses only the Python standard library.
"""
import argparse
import json
import statistics
import threading
import time
import urllib.request


def timed(url, token=None):
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    start = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
        status = response.status
    return (time.perf_counter() - start) * 1000, status


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--token", required=True, help="ministry token (national aggregates)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    b = args.base
    first_service = json.load(urllib.request.urlopen(f"{b}/api/v1/services?limit=1"))["items"][0]["id"]
    endpoints = [
        ("health/live (floor)", "/health/live", None),
        ("service by id", f"/api/v1/services/{first_service}", None),
        ("municipality by code", "/api/v1/municipalities/RIX", None),
        ("services filtered page", "/api/v1/services?region=KURZEME&status=active&has_vacancies=true&limit=20", None),
        ("services text search", "/api/v1/services?q=centrs&limit=20", None),
        ("providers page", "/api/v1/providers?sector=ngo&limit=20", None),
        ("stats registry by type", "/api/v1/stats/registry", args.token),
        ("stats registry region x status", "/api/v1/stats/registry?group_by=region,status", args.token),
        ("stats clients", "/api/v1/stats/clients", args.token),
        ("stats transitions", "/api/v1/stats/transitions?from=2020-01-01", args.token),
        ("stats mentor coverage", "/api/v1/stats/mentor-coverage", args.token),
        ("stats mentor load", "/api/v1/stats/mentor-load", args.token),
        ("stats overdue", "/api/v1/stats/reassessments-overdue", args.token),
        ("stats care levels", "/api/v1/stats/care-levels", args.token),
        ("stats indicators", "/api/v1/stats/indicators?region=KURZEME", args.token),
    ]
    floor = None
    print(f"{'endpoint':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'x floor':>8}")
    for name, path, token in endpoints:
        timed(b + path, token)  # warm-up
        samples = []
        for _ in range(args.requests):
            ms, status = timed(b + path, token)
            assert status == 200, (path, status)
            samples.append(ms)
        p50 = statistics.median(samples)
        floor = floor or p50
        print(f"{name:34} {p50:8.2f} {percentile(samples, 95):8.2f} {max(samples):8.2f} {p50 / floor:8.1f}")

    if args.concurrency > 1:
        for name, path in [("health/live", "/health/live"), ("service by id", f"/api/v1/services/{first_service}"),
                           ("services filtered page", "/api/v1/services?region=KURZEME&status=active&limit=20")]:
            count = [0]
            lock = threading.Lock()
            stop = time.perf_counter() + 5

            def worker():
                while time.perf_counter() < stop:
                    timed(b + path)
                    with lock:
                        count[0] += 1

            threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(f"throughput {name:28} {count[0] / 5:8.0f} req/s with {args.concurrency} threads")


if __name__ == "__main__":
    main()
