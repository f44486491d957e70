#!/usr/bin/env python3
"""Sequential write throughput: N `POST /api/v1/providers`, one after another, against a
running service. Prints writes per second and latency percentiles. Figures are reported
(README, Operations), never asserted.

    python3 scripts/bench-writes.py --token "$(cargo run -q -- token --role ministry)" -n 200
"""
import argparse
import json
import statistics
import time
import urllib.request
import uuid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--token", required=True)
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    latencies = []
    started = time.perf_counter()
    for i in range(args.n):
        body = json.dumps({
            "name": f"Bench provider {run}-{i}",
            "register_number": f"B{run}-{i}",
            "legal_status": "association",
            "municipality": "RIX",
            "address": "Baznīcas iela 1",
        }).encode()
        request = urllib.request.Request(
            f"{args.base}/api/v1/providers", data=body, method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {args.token}"})
        t = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            assert response.status == 201, response.status
            response.read()
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    latencies.sort()
    ms = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(f"{args.n} writes in {elapsed:.2f} s: {args.n / elapsed:.0f} writes/s, "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {ms(0.95):.1f} ms, max {latencies[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
