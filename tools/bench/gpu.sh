#!/usr/bin/env bash
# Tensile on a GPU, in one go, offline, from the built tree (npm install && npm run build first):
# the whole webgpu conformance suite, then the bench's webgpu workloads, on Dawn's Vulkan backend;
# prints the adapter, the suite's summary, matmul GFLOP/s (W4), steps/s (W6) and kernels
# dispatched per step. Writes its logs and JSON under $TENSILE_GPU_OUT (default .gpu-artifacts).
#
#   tools/bench/gpu.sh                 # a machine with a GPU: Vulkan, WebGPU's core feature level
#   tools/bench/gpu.sh --scale tiny    # the smoke version: the software adapter (Mesa), tiny sizes,
#                                      # the suite's fused, matmul and training cases (CI runs this)
#
# Environment: TENSILE_GPU_SYSTEMS (default webgpu,cpu: cpu is the reference the results are
# checked against), TENSILE_WEBGPU_DAWN (default backend=vulkan at full scale), and
# TENSILE_GPU_ALLOW_SOFTWARE=1 to run the full scale on a software adapter anyway.
set -euo pipefail
cd "$(dirname "$0")/../.."

scale=full
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="${2:-}"; shift 2 ;;
    --scale=*) scale="${1#--scale=}"; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu.sh: unknown option $1 (usage: tools/bench/gpu.sh [--scale full|tiny])" >&2; exit 2 ;;
  esac
done
case "$scale" in full|tiny) ;; *) echo "gpu.sh: --scale must be full or tiny, got '$scale'" >&2; exit 2 ;; esac

for f in packages/conformance/dist/cli.js tools/bench/dist/cli.js packages/backend-webgpu/dist/index.js; do
  [ -f "$f" ] || { echo "gpu.sh: $f is missing: run npm install && npm run build first (this script builds and fetches nothing)" >&2; exit 2; }
done
[ -d node_modules/webgpu ] || { echo "gpu.sh: the webgpu package (Dawn for Node) is not installed: npm install webgpu" >&2; exit 2; }

# Offline: nothing here may reach a registry or the network.
export npm_config_offline=true
out="${TENSILE_GPU_OUT:-.gpu-artifacts}"
mkdir -p "$out"
systems="${TENSILE_GPU_SYSTEMS:-webgpu,cpu}"

if [ "$scale" = full ]; then
  export TENSILE_WEBGPU_DAWN="${TENSILE_WEBGPU_DAWN:-backend=vulkan}"
  export TENSILE_WEBGPU_FEATURE_LEVEL="${TENSILE_WEBGPU_FEATURE_LEVEL:-core}"
  suite=(--backend webgpu)
  bench=(--systems "$systems" --only W3,W4,W6)
else
  # The software adapter: Mesa through Dawn (EGL without a display).
  export EGL_PLATFORM="${EGL_PLATFORM:-surfaceless}"
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
  # The fused kernels' checks, matmul, cross-entropy and the training runs: the paths the bench's steps take.
  suite=(--backend webgpu --filter '/^(fused\/|matmul\/|CrossEntropyLoss|training)/')
  bench=(--systems "$systems" --only W3,W4,W6 --scale tiny --samples 2)
fi

echo "== adapter"
node --input-type=module -e '
  const { webgpuBackend } = await import("@tensile/backend-webgpu");
  const { ready } = await import("tensile");
  try { await ready("webgpu"); } catch (e) { console.log(`webgpu cannot start: ${e.message}`); process.exit(1); }
  const a = await (await import("webgpu")).create((process.env.TENSILE_WEBGPU_DAWN ?? "").split(",").filter(Boolean)).requestAdapter();
  const i = a?.info ?? {};
  const line = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(" / ");
  console.log(`${webgpuBackend.source}: ${line || "adapter info unavailable"}`);
  if (process.argv[1] === "full" && /llvmpipe|lavapipe|swiftshader|software/i.test(line) && process.env.TENSILE_GPU_ALLOW_SOFTWARE !== "1") {
    console.log("this is a software adapter, not a GPU: run with --scale tiny, or set TENSILE_GPU_ALLOW_SOFTWARE=1");
    process.exit(1);
  }
' "$scale" 2>&1 | grep -v '^Warning: max' | tee "$out/adapter.txt"
[ "${PIPESTATUS[0]}" = 0 ] || exit 1

status=0
echo "== conformance: ${suite[*]}"
node packages/conformance/dist/cli.js "${suite[@]}" --json "$out/conformance.json" > "$out/conformance.log" 2>&1 || status=1
grep -E '^(FAIL|SKIP)' "$out/conformance.log" | head -n 20 || true
tail -n 3 "$out/conformance.log"

echo "== bench: ${bench[*]}"
node tools/bench/dist/cli.js "${bench[@]}" --json "$out/bench.json" > "$out/bench.log" 2>&1 || status=1
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const r = JSON.parse(readFileSync(process.argv[1], "utf8"));
  const w = (id) => r.workloads.find((x) => x.workload.id === id);
  const cell = (id) => w(id)?.cells?.webgpu;
  const w4 = cell("W4"), w6 = cell("W6");
  const spec = w("W4")?.workload?.spec;
  const flop = spec ? 2 * spec.m * spec.k * spec.n : NaN;
  const fmt = (c, f) => (c?.medianMs === undefined ? `n/a (${c?.reason ?? "did not run"})` : f(c.medianMs));
  console.log(`webgpu matmul (W4): ${fmt(w4, (ms) => `${(flop / ms / 1e6).toFixed(2)} GFLOP/s (${ms.toPrecision(3)} ms)`)}`);
  console.log(`webgpu tiny MLP (W6): ${fmt(w6, (ms) => `${(1000 / ms).toFixed(0)} steps/s`)}`);
  console.log(`webgpu MLP step (W3): ${fmt(cell("W3"), (ms) => `${ms.toPrecision(3)} ms per step`)}`);
  console.log(`kernels dispatched per step: ${["W3", "W4", "W6"].map((id) => `${id} ${cell(id)?.dispatchesPerStep ?? "-"}`).join(", ")}`);
  if (r.problems.length > 0) console.log(`bench PROBLEMS: ${r.problems.join("; ")}`);
' "$out/bench.json" | tee "$out/summary.txt"
[ "$status" = 0 ] && echo "gpu.sh: passed" || echo "gpu.sh: FAILED (logs in $out)"
exit "$status"
